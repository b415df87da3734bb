import {
  EXAMPLE_FINGERPRINT,
  exampleAuditCompleted,
  exampleAuditFailed,
  exampleAuditFinding,
  exampleFindingTriage,
  exampleReleaseApprove,
  exampleReleaseRollback,
  exampleReleaseTransition,
  exampleScanCompleted,
  exampleScanVulnerability,
  exampleVulnerabilityAccept,
  type AuditFinding,
} from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { expectWithinSlackLimits, visibleText } from '../../test/expect-within-slack-limits.js';
import { applyEvent, foldEvents, type ReleaseThread, type ThreadEvent } from '../thread/release-thread.js';
import { unpostedReplies } from './coalesce.js';
import { renderReplies } from './render-replies.js';

const ev = (id: string, body: ThreadEvent['body'], time = '2025-01-15T09:30:00.000Z'): ThreadEvent => ({ id, time, body });
const step = (previous: ReleaseThread | undefined, event: ThreadEvent) => {
  const next = applyEvent(previous, event);
  if (!next) throw new Error('no thread');
  return { next, replies: renderReplies(previous, next) };
};

describe('renderReplies', () => {
  it('summarises a failed audit: rule, path:line, masked preview and author', () => {
    const { replies } = step(undefined, ev('a1', exampleAuditCompleted()));

    expect(replies.map((r) => r.key)).toEqual(['audit:a1']);
    const text = visibleText(replies[0]!);
    expect(text).toContain(':x: *Secrets gate failed* — 1 high (fails on high+, 0 suppressed)');
    expect(text).toContain('`github-pat` `src/payments/webhook.ts:12` — `const token = "ghp_****************"` (Mona Lisa Octocat)');
  });

  it('passes a finding preview through unchanged and shows nothing of the finding the event did not carry', () => {
    const finding: AuditFinding = exampleAuditFinding({ preview: 'password: "hunter***" # prod', path: 'deploy/values.yaml', line: 7 });
    const { replies } = step(undefined, ev('a1', exampleAuditCompleted({ findings: [finding] })));
    const text = visibleText(replies[0]!);

    expect(text).toContain('`password: "hunter***" # prod`');
    // The fingerprint identifies the secret for triage; it is not shown in the summary.
    expect(text).not.toContain(EXAMPLE_FINGERPRINT);
    const finedLine = text.split('\n').find((l) => l.includes('deploy/values.yaml'));
    expect(finedLine).toBe(
      '• :large_orange_circle: `github-pat` `deploy/values.yaml:7` — `password: "hunter***" # prod` (Mona Lisa Octocat)',
    );
  });

  it('lists at most N findings and says how many more there are, within Slack limits for 500 findings', () => {
    const findings = Array.from({ length: 500 }, (_, i) => exampleAuditFinding({ line: i + 1, path: `src/${'deep/'.repeat(90)}file-${i}.ts` }));
    const audit = exampleAuditCompleted({ findings, counts: { critical: 0, high: 500, medium: 0, low: 0, unknown: 0 } });
    const next = applyEvent(undefined, ev('a1', audit))!;

    const [reply] = renderReplies(undefined, next, { maxFindingLines: 8 });
    const text = visibleText(reply!);

    expectWithinSlackLimits(reply!);
    expect(text.match(/^• /gm)?.length).toBeLessThanOrEqual(8);
    expect(text).toMatch(/… and 4\d\d more/);
  });

  it('leaves findings below the minimum severity out of the list but not out of the counts', () => {
    const findings = [exampleAuditFinding({ severity: 'low', ruleId: 'generic-low' }), exampleAuditFinding({ severity: 'critical', ruleId: 'aws-key' })];
    const next = applyEvent(undefined, ev('a1', exampleAuditCompleted({ findings, counts: { critical: 1, high: 0, medium: 0, low: 1, unknown: 0 } })))!;

    const text = visibleText(renderReplies(undefined, next, { minSeverity: 'high' })[0]!);

    expect(text).toContain('aws-key');
    expect(text).not.toContain('generic-low');
    expect(text).toContain('1 critical, 1 low');
    expect(text).toContain('… and 1 more');
  });

  it('mentions owners on a failing gate', () => {
    const next = applyEvent(undefined, ev('a1', exampleAuditCompleted()))!;

    const text = visibleText(renderReplies(undefined, next, { mentions: ['U024BE7LH', 'S0614TZR7', '!channel'] })[0]!);

    expect(text).toContain('<@U024BE7LH> <!subteam^S0614TZR7>');
    expect(text).not.toContain('!channel');
  });

  it('says why an audit could not run, and stays quiet about a clean pass', () => {
    expect(visibleText(step(undefined, ev('a1', exampleAuditFailed())).replies[0]!)).toContain(
      'git fetch from the configured GitHub host failed after 5 attempts',
    );
    const clean = exampleAuditCompleted({ verdict: 'pass', findings: [], counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 } });
    expect(step(undefined, ev('a2', clean)).replies).toEqual([]);
  });

  it('summarises a scan with counts and the top fixable criticals', () => {
    const vulns = Array.from({ length: 9 }, (_, i) => exampleScanVulnerability({ id: `CVE-2025-${1000 + i}` }));
    const scan = exampleScanCompleted({ vulnerabilities: vulns, counts: { critical: 9, high: 2, medium: 0, low: 0, unknown: 0 } });
    const { replies } = step(undefined, ev('s1', scan));
    const text = visibleText(replies[0]!);

    expect(replies[0]?.key).toMatch(/^scan:registry\.example\.com\/acme\/shop-api@sha256:(4f){32}:s1$/);
    expect(text).toContain(':x: *Image scan failed* for acme/shop-api:1.4.2');
    expect(text).toContain('9 critical, 2 high');
    expect(text).toContain('`CVE-2025-1000` liblzma5 `5.6.0-0.2` → `5.6.1+really5.4.5-1`');
    expect(text).toContain('… and 4 more');
  });

  it('posts rollout steps and the rollback reason, once per transition', () => {
    let t: ReleaseThread | undefined;
    const steps = [
      exampleReleaseTransition({ sequence: 1, from: null, to: 'waiting', reason: 'WaitingForScan', waitingFor: ['image-scan'], blocking: undefined }),
      exampleReleaseTransition({ sequence: 2, from: 'waiting', to: 'deploying', reason: 'RolloutStarted', message: 'Preview stack is up', blocking: undefined }),
      exampleReleaseTransition({ sequence: 3, from: 'deploying', to: 'rolled_back', reason: 'AutomaticRollback', message: 'Readiness failed on 3 of 4 pods', relatedReleaseId: `github/acme/shop-api@${'c'.repeat(40)}`, blocking: undefined }),
    ];
    const texts: string[] = [];
    for (const [i, body] of steps.entries()) {
      const r = step(t, ev(`d${i}`, body));
      t = r.next;
      texts.push(...r.replies.map((x) => visibleText(x)));
    }

    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('*production* rollout started (blue-green) · `RolloutStarted`');
    expect(texts[1]).toContain(':rewind: *production* rolled back to github/acme/shop-api@ccccccc · `AutomaticRollback`');
    expect(texts[1]).toContain('Readiness failed on 3 of 4 pods');
  });

  it('shows what blocks an environment', () => {
    const text = visibleText(step(undefined, ev('d', exampleReleaseTransition())).replies[0]!);

    expect(text).toContain(':no_entry: *production* blocked · `GateBlocked`');
    expect(text).toContain('1 secret, 0 vulnerabilities, 0 policy violations');
    expect(text).toContain('secrets `github-pat` `src/payments/webhook.ts:12`');
  });

  it('says who approved, rolled back, triaged or accepted, and why', () => {
    let t: ReleaseThread | undefined = foldEvents([ev('a1', exampleAuditCompleted())]);
    const texts: string[] = [];
    for (const [i, body] of [exampleReleaseApprove(), exampleReleaseRollback(), exampleFindingTriage(), exampleVulnerabilityAccept()].entries()) {
      const r = step(t, ev(`c${i}`, body, `2025-01-15T10:0${i}:00.000Z`));
      t = r.next;
      texts.push(...r.replies.map((x) => visibleText(x)));
    }

    expect(texts[0]).toContain('*Dana Ops* (slack) approved *production* — “Change window CHG-1234”');
    expect(texts[1]).toContain('*release-bot* (api) asked to roll back *production* — “Checkout error rate doubled after the switch”');
    expect(texts[2]).toContain('marked finding `e3b0c44298fc` (`github-pat` at `src/payments/webhook.ts:12`) as rotated');
    expect(texts[3]).toContain('accepted `CVE-2024-3094` in liblzma5 until 2025-02-15');
  });

  it('shows a triage decision on the finding when the audit is reported again', () => {
    const t = foldEvents([ev('c1', exampleFindingTriage()), ev('a1', exampleAuditCompleted())])!;

    const audit = renderReplies(undefined, t).find((r) => r.key === 'audit:a1')!;

    expect(visibleText(audit)).toContain('_rotated by Dana Ops_');
  });

  it('yields nothing for a redelivered event, and the same keys when a step is rendered again', () => {
    const { next, replies } = step(undefined, ev('a1', exampleAuditCompleted()));

    expect(renderReplies(next, applyEvent(next, ev('a1', exampleAuditCompleted()))!)).toEqual([]);
    // A crash between posting and saving the thread renders the step again: the keys match, so nothing posts twice.
    const again = renderReplies(undefined, next);
    expect(unpostedReplies(again, replies.map((r) => r.key))).toEqual([]);
  });

  it('keeps every reply within Slack limits for very long messages', () => {
    const long = 'word '.repeat(200);
    const t = foldEvents([
      ev('d', exampleReleaseTransition({ message: long.slice(0, 1000), to: 'failed', reason: 'ProgressDeadlineExceeded' })),
      ev('f', exampleAuditFailed({ message: long.slice(0, 1000) })),
      ev('c', exampleReleaseRollback({ reason: long.slice(0, 500) })),
    ])!;

    const replies = renderReplies(undefined, t);

    expect(replies).toHaveLength(3);
    for (const r of replies) expectWithinSlackLimits(r);
  });
});
