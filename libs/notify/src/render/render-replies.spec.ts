import {
  EXAMPLE_FINGERPRINT,
  EXAMPLE_RELEASE_ID,
  exampleAuditCompleted,
  exampleAuditFailed,
  exampleAuditFinding,
  exampleFindingTriage,
  exampleReleaseApprove,
  exampleReleaseRollback,
  exampleReleaseTransition,
  exampleImageSecretFinding,
  exampleImageSecrets,
  exampleImageTests,
  exampleScanCompleted,
  exampleScanVulnerability,
  exampleVulnerabilityAccept,
  type AuditFinding,
} from '@portcullis/contracts';
import type { ActionsBlock, Button } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { expectWithinSlackLimits, visibleText } from '../../test/expect-within-slack-limits.js';
import { applyEvent, foldEvents, type ReleaseThread, type ThreadEvent } from '../thread/release-thread.js';
import { actionOf, decodeJsonValue, FindingTriageValue, VulnerabilityAcceptValue } from './action-values.js';
import { unpostedReplies } from './coalesce.js';
import { renderReplies, type ThreadReply } from './render-replies.js';

const ev = (id: string, body: ThreadEvent['body'], time = '2025-01-15T09:30:00.000Z'): ThreadEvent => ({ id, time, body });
const step = (previous: ReleaseThread | undefined, event: ThreadEvent) => {
  const next = applyEvent(previous, event);
  if (!next) throw new Error('no thread');
  return { next, replies: renderReplies(previous, next) };
};

const buttonsOf = (reply: ThreadReply): Button[] =>
  reply.blocks.filter((b): b is ActionsBlock => b.type === 'actions').flatMap((b) => b.elements.filter((e): e is Button => e.type === 'button'));
const fingerprintOf = (i: number) => i.toString(16).padStart(64, '0');

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

  it('leaves progress to the root and posts the rollback reason once', () => {
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

    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(':rewind: *production* rolled back to github/acme/shop-api@ccccccc · `AutomaticRollback`');
    expect(texts[0]).toContain('Readiness failed on 3 of 4 pods');
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

  describe('triage buttons on the audit reply', () => {
    const audit = (findings: AuditFinding[]) =>
      exampleAuditCompleted({ findings, counts: { critical: 0, high: findings.length, medium: 0, low: 0, unknown: 0 } });

    it('offers "False positive" and "Rotated" right below each open finding, with values that decode to that finding', () => {
      const next = applyEvent(undefined, ev('a1', audit([exampleAuditFinding()])))!;

      const [reply] = renderReplies(undefined, next);
      const buttons = buttonsOf(reply!);

      // Unique within the block, as Slack requires; both stand for the triage action.
      expect(buttons.map((b) => [b.text.text, b.action_id])).toEqual([
        ['False positive', 'finding.triage'],
        ['Rotated', 'finding.triage:2'],
      ]);
      expect(buttons.map((b) => actionOf(b.action_id ?? ''))).toEqual(['finding.triage', 'finding.triage']);
      expect(buttons.map((b) => decodeJsonValue(FindingTriageValue, b.value))).toEqual([
        { fingerprint: EXAMPLE_FINGERPRINT, repository: 'github/acme/shop-api', state: 'false_positive', releaseId: next.releaseId },
        { fingerprint: EXAMPLE_FINGERPRINT, repository: 'github/acme/shop-api', state: 'rotated', releaseId: next.releaseId },
      ]);
      // The finding's own line comes just before its buttons.
      const at = reply!.blocks.findIndex((b) => b.type === 'actions');
      const line = reply!.blocks[at - 1];
      expect(line?.type === 'section' ? line.text?.text : undefined).toContain('`src/payments/webhook.ts:12`');
      expect(buttons.every((b) => b.confirm?.text.text.includes('github-pat at src/payments/webhook.ts:12'))).toBe(true);
    });

    it('draws no buttons for findings already triaged, in the event or from this thread', () => {
      const findings = [
        exampleAuditFinding({ fingerprint: fingerprintOf(1), path: 'a.ts', triage: 'false_positive' }),
        exampleAuditFinding({ fingerprint: fingerprintOf(2), path: 'b.ts' }),
        exampleAuditFinding({ fingerprint: fingerprintOf(3), path: 'c.ts' }),
      ];
      const t = foldEvents([ev('c1', exampleFindingTriage({ fingerprint: fingerprintOf(3) })), ev('a1', audit(findings))])!;

      const reply = renderReplies(undefined, t).find((r) => r.key === 'audit:a1')!;

      expect(buttonsOf(reply).map((b) => decodeJsonValue(FindingTriageValue, b.value)?.fingerprint)).toEqual([fingerprintOf(2), fingerprintOf(2)]);
      const text = visibleText(reply);
      expect(text).toContain('`a.ts:12` — `const token = "ghp_****************"` (Mona Lisa Octocat) · _false positive_');
      expect(text).toContain('_rotated by Dana Ops_');
      // Nothing open is left without a button: no pointer to the CLI.
      expect(text).not.toContain('portcullis triage');
    });

    it('offers one pair per secret when the same secret was found twice', () => {
      const next = applyEvent(undefined, ev('a1', audit([exampleAuditFinding({ path: 'a.ts' }), exampleAuditFinding({ path: 'b.ts' })])))!;

      const reply = renderReplies(undefined, next)[0]!;

      expect(buttonsOf(reply)).toHaveLength(2);
      expect(visibleText(reply)).toContain('`b.ts:12`');
    });

    it('bounds the buttons to the first five open findings, points to the CLI for the rest, and stays within Slack limits for 25 findings', () => {
      const findings = Array.from({ length: 25 }, (_, i) =>
        exampleAuditFinding({ fingerprint: fingerprintOf(i), line: i + 1, path: `src/${'deep/'.repeat(90)}file-${i}.ts`, preview: `key = "${'*'.repeat(100)}"` }),
      );
      const next = applyEvent(undefined, ev('a1', audit(findings)))!;

      const [reply] = renderReplies(undefined, next, { maxFindingLines: 25 });
      const text = visibleText(reply!);

      expectWithinSlackLimits(reply!);
      expect(reply!.blocks.filter((b) => b.type === 'actions')).toHaveLength(5);
      expect(buttonsOf(reply!).map((b) => decodeJsonValue(FindingTriageValue, b.value)?.fingerprint)).toEqual(
        [0, 0, 1, 1, 2, 2, 3, 3, 4, 4].map((i) => fingerprintOf(i)),
      );
      for (const b of buttonsOf(reply!)) expect(b.value!.length).toBeLessThanOrEqual(2000);
      expect(text).toContain('Triage the rest with `portcullis triage list --state open` and `portcullis triage set`.');
      // Every finding is accounted for: five with buttons, then as many others as fit, then how many more.
      const listed = text.match(/^• /gm)?.length ?? 0;
      expect(listed).toBeGreaterThan(5);
      expect(listed + Number(/… and (\d+) more/.exec(text)?.[1])).toBe(25);
    });

    it('never draws more than ten pairs, whatever the option says, and none when buttons are off', () => {
      const findings = Array.from({ length: 25 }, (_, i) => exampleAuditFinding({ fingerprint: fingerprintOf(i), line: i + 1 }));
      const next = applyEvent(undefined, ev('a1', audit(findings)))!;

      const many = renderReplies(undefined, next, { maxFindingLines: 25, maxTriageFindings: 50 })[0]!;
      const none = renderReplies(undefined, next, { maxFindingLines: 25, buttons: false })[0]!;

      expectWithinSlackLimits(many);
      expect(buttonsOf(many)).toHaveLength(20);
      expect(buttonsOf(none)).toEqual([]);
      expect(visibleText(none)).not.toContain('portcullis triage');
    });

    it('shows only the masked preview of a finding with buttons, and puts no secret material in the values', () => {
      const finding = exampleAuditFinding({ preview: 'password: "hunter***"' });
      const next = applyEvent(undefined, ev('a1', audit([finding])))!;

      const reply = renderReplies(undefined, next)[0]!;

      expect(visibleText(reply)).toContain('`password: "hunter***"`');
      for (const b of buttonsOf(reply)) {
        expect(Object.keys(JSON.parse(b.value!) as object).sort()).toEqual(['fingerprint', 'releaseId', 'repository', 'state']);
        expect(b.value).not.toContain('hunter');
      }
    });
  });

  describe('secrets in the image on the scan reply', () => {
    it('lists them under the vulnerabilities: rule, where (layer, deleted later / image config), masked preview, triage', () => {
      const secrets = exampleImageSecrets({
        counts: { critical: 2, high: 0, medium: 0, low: 0, unknown: 0 },
        findings: [
          exampleImageSecretFinding(),
          exampleImageSecretFinding({ source: 'env', layerDigest: undefined, path: 'config.env[GITHUB_TOKEN]', line: 1, deletedLater: false, preview: 'GITHUB_TOKEN=ghp_***', fingerprint: fingerprintOf(2) }),
        ],
      });
      const { replies } = step(undefined, ev('s1', exampleScanCompleted({ verdict: 'fail', vulnerabilities: [], counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }, secrets })));

      const text = visibleText(replies[0]!);
      expect(text).toContain(':x: *Image scan failed*');
      expect(text).toContain('*Secrets in the image* — 2 critical (fails on high+, 0 suppressed) in 1873 files');
      expect(text).toContain('`github-pat` `root/.config/gh/hosts.yml:3` (layer sha256:7a7a7a7a7a7a, deleted later) — `oauth_token: ghp_***`');
      expect(text).toContain('`github-pat` `config.env[GITHUB_TOKEN]` (image config) — `GITHUB_TOKEN=ghp_***`');
      expect(text).toContain('1 file not read');
      expectWithinSlackLimits(replies[0]!);
    });

    it('shows a triage decision made in the thread, and sends no reply for a passing image whose only secrets are triaged away', () => {
      const secrets = exampleImageSecrets({ verdict: 'pass', counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }, findings: [exampleImageSecretFinding({ triage: 'rotated', suppressed: true })], policy: { source: 'default', failOn: 'high', suppressed: 1 } });
      const passing = exampleScanCompleted({ verdict: 'pass', vulnerabilities: [], counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }, secrets });
      expect(visibleText(step(undefined, ev('s1', passing)).replies[0]!)).toContain('_rotated_');

      const clean = exampleScanCompleted({ verdict: 'pass', vulnerabilities: [], counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }, secrets: exampleImageSecrets({ verdict: 'pass', counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }, findings: [] }) });
      expect(step(undefined, ev('s2', clean)).replies).toEqual([]);
    });
  });

  describe('image tests on the scan reply', () => {
    const clean = { verdict: 'pass' as const, vulnerabilities: [], counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }, secrets: exampleImageSecrets({ verdict: 'pass', counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }, findings: [] }) };
    const results = (failed: number, notRun: number) => [
      ...Array.from({ length: notRun }, (_, i) => ({ id: `command.probe-${i}`, kind: 'command' as const, status: 'not-run' as const, reason: 'no command runner is configured' })),
      ...Array.from({ length: failed }, (_, i) => ({ id: `content.file.f${i}`, kind: 'content' as const, status: 'failed' as const, reason: `/app/f${i} has mode 0777, more than 0755` })),
    ];

    it('says how many failed and lists up to five, failures before tests that did not run, on an image whose scan passed', () => {
      const imageTests = exampleImageTests({ verdict: 'failed', passed: 8, failed: 4, notRun: 2, results: results(4, 2) });
      const { replies } = step(undefined, ev('s1', exampleScanCompleted({ ...clean, imageTests })));

      const text = visibleText(replies[0]!);
      expect(text).toContain(':white_check_mark: *Image scan passed*');
      expect(text).toContain(':x: *Image tests:* 4 of 14 failed, 2 did not run');
      const lines = text.split('\n').filter((l) => l.startsWith('• :x:') || l.startsWith('• :grey_question:'));
      expect(lines).toEqual([
        '• :x: `content.file.f0` — /app/f0 has mode 0777, more than 0755',
        '• :x: `content.file.f1` — /app/f1 has mode 0777, more than 0755',
        '• :x: `content.file.f2` — /app/f2 has mode 0777, more than 0755',
        '• :x: `content.file.f3` — /app/f3 has mode 0777, more than 0755',
        '• :grey_question: `command.probe-0` — no command runner is configured',
      ]);
      expect(text).toContain('… and 1 more');
      expectWithinSlackLimits(replies[0]!);
    });

    it('holds an incomplete run as untested, and names the problem of an invalid section', () => {
      const incomplete = step(undefined, ev('s1', exampleScanCompleted({ ...clean, imageTests: exampleImageTests({ verdict: 'incomplete', passed: 3, failed: 0, notRun: 1, results: results(0, 1) }) })));
      expect(visibleText(incomplete.replies[0]!)).toContain(':warning: *Image tests:* 1 of 4 did not run');

      const invalid = step(undefined, ev('s2', exampleScanCompleted({ ...clean, imageTests: exampleImageTests({ verdict: 'failed', passed: 0, failed: 0, notRun: 0, results: [], problems: ['imageTests.commands[0].timeout: at most 300s'] }) })));
      const text = visibleText(invalid.replies[0]!);
      expect(text).toContain('the `imageTests:` section of `.portcullis.yaml` is invalid; no test ran');
      expect(text).toContain('• imageTests.commands[0].timeout: at most 300s');
    });

    it('sends no reply for a clean image whose tests all passed, and shows them passed on a reply sent for other reasons', () => {
      expect(step(undefined, ev('s1', exampleScanCompleted({ ...clean, imageTests: exampleImageTests() }))).replies).toEqual([]);

      const { replies } = step(undefined, ev('s2', exampleScanCompleted({ imageTests: exampleImageTests() })));
      expect(visibleText(replies[0]!)).toContain(':white_check_mark: *Image tests:* all 4 passed');
    });
  });

  describe('accept buttons on the scan reply', () => {
    const scanWith = (n: number) =>
      exampleScanCompleted({
        vulnerabilities: Array.from({ length: n }, (_, i) => exampleScanVulnerability({ id: `CVE-2025-${1000 + i}`, package: { name: `lib-${i}`, version: '1.0.0', ecosystem: 'Debian:13' } })),
        counts: { critical: n, high: 0, medium: 0, low: 0, unknown: 0 },
      });

    it('offers "Accept for 30 days" under each fixable critical, until 30 days after the scan', () => {
      const { replies } = step(undefined, ev('s1', scanWith(1), '2025-01-15T09:30:00.000Z'));
      const buttons = buttonsOf(replies[0]!);

      expect(buttons.map((b) => [b.text.text, b.action_id])).toEqual([['Accept for 30 days', 'vulnerability.accept']]);
      expect(decodeJsonValue(VulnerabilityAcceptValue, buttons[0]!.value)).toEqual({
        vulnerabilityId: 'CVE-2025-1000',
        repository: 'github/acme/shop-api',
        until: '2025-02-14T09:30:00.000Z',
        packageName: 'lib-0',
        imageDigest: `sha256:${'4f'.repeat(32)}`,
        releaseId: EXAMPLE_RELEASE_ID,
      });
      expect(buttons[0]!.confirm?.text.text).toContain('until 2025-02-14');
    });

    it('takes the number of days from the options, and renders the same values when the scan is redelivered later', () => {
      const next = applyEvent(undefined, ev('s1', scanWith(1), '2025-01-15T09:30:00.000Z'))!;

      const first = buttonsOf(renderReplies(undefined, next, { acceptDays: 7 })[0]!);
      const again = buttonsOf(renderReplies(undefined, applyEvent(undefined, ev('s1', scanWith(1), '2025-01-15T09:30:00.000Z'))!, { acceptDays: 7 })[0]!);

      expect(first[0]!.text.text).toBe('Accept for 7 days');
      expect(decodeJsonValue(VulnerabilityAcceptValue, first[0]!.value)?.until).toBe('2025-01-22T09:30:00.000Z');
      expect(again).toEqual(first);
    });

    it('keeps the number of days between 1 and 365 whatever the options say', () => {
      const next = applyEvent(undefined, ev('s1', scanWith(1), '2025-01-15T09:30:00.000Z'))!;
      const label = (acceptDays: number) => buttonsOf(renderReplies(undefined, next, { acceptDays })[0]!)[0]?.text.text;

      expect([label(0), label(1000), label(Number.NaN), label(Number.POSITIVE_INFINITY)]).toEqual(['Accept for 1 day', 'Accept for 365 days', 'Accept for 30 days', 'Accept for 365 days']);
    });

    it('keeps five criticals with buttons within Slack limits and counts the ones not listed', () => {
      const { replies } = step(undefined, ev('s1', scanWith(9)));
      const reply = replies[0]!;

      expectWithinSlackLimits(reply);
      expect(buttonsOf(reply).map((b) => decodeJsonValue(VulnerabilityAcceptValue, b.value)?.vulnerabilityId)).toEqual([
        'CVE-2025-1000',
        'CVE-2025-1001',
        'CVE-2025-1002',
        'CVE-2025-1003',
        'CVE-2025-1004',
      ]);
      expect(visibleText(reply)).toContain('… and 4 more');
    });

    it('draws no button for a vulnerability accepted from this thread, and none without a scan time', () => {
      const t = foldEvents([ev('c1', exampleVulnerabilityAccept({ vulnerabilityId: 'CVE-2025-1000', packageName: 'lib-0' }), '2025-01-15T10:00:00.000Z'), ev('s1', scanWith(2))])!;
      const untimed = applyEvent(undefined, { id: 's2', body: scanWith(2) })!;

      const reply = renderReplies(undefined, t).find((r) => r.key.startsWith('scan:'))!;

      expect(buttonsOf(reply).map((b) => decodeJsonValue(VulnerabilityAcceptValue, b.value)?.vulnerabilityId)).toEqual(['CVE-2025-1001']);
      expect(visibleText(reply)).toContain('`CVE-2025-1000` lib-0 `1.0.0` → `5.6.1+really5.4.5-1` · _accepted until 2025-02-15 by Dana Ops_');
      expect(buttonsOf(renderReplies(undefined, untimed)[0]!)).toEqual([]);
    });
  });

  it('tells the owners when their notify section was ignored, naming paths and reasons only', () => {
    const invalid = exampleAuditCompleted({ repoNotify: { status: 'invalid', problems: [{ path: 'notify.chanel', reason: 'UNKNOWN_KEY' }], problemsTruncated: true } });
    const replies = renderReplies(undefined, foldEvents([{ id: 'a1', body: invalid }])!);
    const reply = replies.find((r) => r.key === 'repo-notify:a1');

    expect(reply?.text).toBe('The notify section of .portcullis.yaml is invalid and was ignored');
    expect(visibleText(reply!)).toContain('`notify.chanel` — unknown key');
    expect(visibleText(reply!)).toContain('… and more');
    expect(renderReplies(undefined, foldEvents([{ id: 'a1', body: exampleAuditCompleted() }])!).some((r) => r.key.startsWith('repo-notify:'))).toBe(false);
  });
});
