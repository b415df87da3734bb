import {
  EXAMPLE_RELEASE_ID,
  EXAMPLE_SHA,
  exampleAuditCompleted,
  exampleAuditFailed,
  exampleAuditFinding,
  exampleFindingTriage,
  exampleRegistryBuildAnnounced,
  exampleRegistryImagePushed,
  exampleReleaseApprove,
  exampleReleaseRollback,
  exampleReleaseTransition,
  exampleScanCompleted,
  exampleScanFailed,
  exampleScanVulnerability,
  exampleScmPush,
  ZERO_SHA,
  exampleVulnerabilityAccept,
  imageDigestKey,
  EXAMPLE_IMAGE,
} from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { applyEvent, foldEvents, THREAD_LIMITS, type ThreadEvent } from './release-thread.js';

const ev = (id: string, body: ThreadEvent['body'], time = '2025-01-15T09:30:00.000Z'): ThreadEvent => ({ id, time, body });

const fullRelease: ThreadEvent[] = [
  ev('b1', exampleRegistryBuildAnnounced()),
  ev('a1', exampleAuditCompleted({ verdict: 'pass', counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }, findings: [] })),
  ev('s1', exampleScanCompleted({ verdict: 'pass', counts: { critical: 0, high: 0, medium: 1, low: 0, unknown: 0 }, vulnerabilities: [] })),
  ev('d1', exampleReleaseTransition({ environment: 'staging', sequence: 1, from: null, to: 'deploying', reason: 'GatesPassed', blocking: undefined })),
  ev('d2', exampleReleaseTransition({ environment: 'staging', sequence: 2, from: 'deploying', to: 'succeeded', reason: 'RolloutComplete', blocking: undefined })),
  ev('d3', exampleReleaseTransition({ environment: 'production', sequence: 1, from: null, to: 'waiting', reason: 'WaitingForApproval', waitingFor: ['approval'], blocking: undefined })),
  ev('c1', exampleReleaseApprove(), '2025-01-15T09:31:00.000Z'),
];

describe('applyEvent', () => {
  it('starts a thread from the first event of a release, with repository and sha from the release id', () => {
    const sut = applyEvent(undefined, ev('b1', exampleRegistryBuildAnnounced()));

    expect(sut?.releaseId).toBe(EXAMPLE_RELEASE_ID);
    expect(sut?.repository).toEqual({ provider: 'github', owner: 'acme', name: 'shop-api' });
    expect(sut?.sha).toBe(EXAMPLE_SHA);
    expect(sut?.builds[imageDigestKey(EXAMPLE_IMAGE)]?.buildUrl).toBe('https://ci.example.com/acme/shop-api/builds/1841');
  });

  it('opens the thread from the push with the commit author and title, who pushed, and the branch', () => {
    const sut = applyEvent(undefined, ev('p1', exampleScmPush({ pusher: 'octocat' })));

    expect(sut?.releaseId).toBe(EXAMPLE_RELEASE_ID);
    expect(sut?.ref).toBe('refs/heads/main');
    expect(sut?.commit).toEqual({ author: 'Mona Lisa Octocat', title: 'Add payment webhook handler', pushedBy: 'octocat' });
    expect(applyEvent(sut, ev('p1', exampleScmPush({ pusher: 'octocat' })))).toBe(sut);
  });

  it('keeps only who pushed when the provider left the release commit out of its list', () => {
    const sut = applyEvent(undefined, ev('p1', exampleScmPush({ commits: [], commitsTruncated: true, pusher: 'octocat' })));

    expect(sut?.commit).toEqual({ pushedBy: 'octocat' });
  });

  it('opens no thread for a deleted branch', () => {
    expect(applyEvent(undefined, ev('p1', exampleScmPush({ after: ZERO_SHA, commits: [] })))).toBeUndefined();
  });

  it('keeps the audited branch when the same commit is pushed to another branch', () => {
    const audited = applyEvent(undefined, ev('a1', exampleAuditCompleted({ ref: 'refs/heads/release/2.0' })));

    expect(applyEvent(audited, ev('p1', exampleScmPush({ ref: 'refs/heads/main' })))?.ref).toBe('refs/heads/release/2.0');
  });

  it('takes the ref from the audit', () => {
    const sut = applyEvent(undefined, ev('a1', exampleAuditCompleted({ ref: 'refs/heads/release/2.0' })));

    expect(sut?.ref).toBe('refs/heads/release/2.0');
  });

  it('is idempotent: every event applied twice gives the same thread as once', () => {
    const once = foldEvents(fullRelease);
    const twice = foldEvents(fullRelease.flatMap((e) => [e, e]));

    expect(twice).toEqual(once);
    expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
  });

  it('returns the same object when a redelivered event changes nothing', () => {
    const thread = foldEvents(fullRelease);

    for (const e of fullRelease) expect(applyEvent(thread, e)).toBe(thread);
  });

  it('does not depend on the order of events about different facts', () => {
    const forward = foldEvents(fullRelease);
    const backward = foldEvents([...fullRelease].reverse());

    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
  });

  it('keeps the latest transition per environment; an older sequence arriving late only joins the step trail', () => {
    const newer = ev('d2', exampleReleaseTransition({ environment: 'staging', sequence: 2, from: 'deploying', to: 'succeeded', reason: 'RolloutComplete' }));
    const older = ev('d1', exampleReleaseTransition({ environment: 'staging', sequence: 1, from: null, to: 'deploying', reason: 'GatesPassed' }));

    const sut = foldEvents([newer, older]);

    expect(sut?.environments['staging']?.to).toBe('succeeded');
    expect(sut?.environments['staging']?.sequence).toBe(2);
    expect(sut?.environments['staging']?.trail?.map((t) => `${t.sequence}:${t.to}`)).toEqual(['1:deploying', '2:succeeded']);
    expect(sut).toEqual(foldEvents([older, newer]));
    expect(applyEvent(sut, older)).toBe(sut);
  });

  it('keeps the last steps of a long rollout in its trail', () => {
    const steps = Array.from({ length: 12 }, (_, i) =>
      ev(`d${i + 1}`, exampleReleaseTransition({ environment: 'staging', sequence: i + 1, from: null, to: 'deploying', reason: `Step${i + 1}` })),
    );

    const trail = foldEvents(steps)?.environments['staging']?.trail ?? [];

    expect(trail.map((t) => t.sequence)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('keeps environments apart', () => {
    const sut = foldEvents(fullRelease);

    expect(Object.keys(sut?.environments ?? {})).toEqual(['production', 'staging']);
    expect(sut?.environments['production']?.waitingFor).toEqual(['approval']);
  });

  it('prefers a completed audit over a failed one, whichever came first', () => {
    const failed = ev('a-failed', exampleAuditFailed(), '2025-01-15T09:40:00.000Z');
    const completed = ev('a-done', exampleAuditCompleted(), '2025-01-15T09:30:00.000Z');

    expect(foldEvents([failed, completed])?.audit?.status).toBe('completed');
    expect(foldEvents([completed, failed])?.audit?.status).toBe('completed');
  });

  it('replaces an audit with a later re-audit of the release', () => {
    const first = ev('a1', exampleAuditCompleted(), '2025-01-15T09:30:00.000Z');
    const again = ev('a2', exampleAuditCompleted({ verdict: 'pass', findings: [], counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 } }), '2025-01-15T10:00:00.000Z');

    expect(foldEvents([first, again])?.audit).toMatchObject({ eventId: 'a2', verdict: 'pass' });
    expect(foldEvents([again, first])?.audit).toMatchObject({ eventId: 'a2', verdict: 'pass' });
  });

  it('keeps one scan per image: completed over failed, with its fixable criticals', () => {
    const failed = ev('s-failed', exampleScanFailed(), '2025-01-15T09:50:00.000Z');
    const done = ev('s-done', exampleScanCompleted());

    const sut = foldEvents([failed, done]);
    const scan = sut?.scans[imageDigestKey(EXAMPLE_IMAGE)];

    expect(Object.keys(sut?.scans ?? {})).toHaveLength(1);
    expect(scan?.status).toBe('completed');
    expect(scan?.status === 'completed' && scan.fixableCriticals).toEqual([
      { id: 'CVE-2024-3094', packageName: 'liblzma5', installedVersion: '5.6.0-0.2', fixedVersion: '5.6.1+really5.4.5-1' },
    ]);
  });

  it('counts fixable criticals but lists only a few, leaving out suppressed and unfixable ones', () => {
    const vulns = [
      ...Array.from({ length: 12 }, (_, i) => exampleScanVulnerability({ id: `CVE-2025-${1000 + i}` })),
      exampleScanVulnerability({ id: 'CVE-2025-9001', suppressed: true }),
      exampleScanVulnerability({ id: 'CVE-2025-9002', fixedVersion: undefined }),
    ];
    const scan = applyEvent(undefined, ev('s', exampleScanCompleted({ vulnerabilities: vulns })))?.scans[imageDigestKey(EXAMPLE_IMAGE)];

    expect(scan?.status === 'completed' && scan.fixableCriticalTotal).toBe(12);
    expect(scan?.status === 'completed' && scan.fixableCriticals.length).toBe(THREAD_LIMITS.fixableCriticals);
  });

  it('ignores scans without a release, image pushes and sweeps', () => {
    const thread = foldEvents(fullRelease);
    const orphanScan = exampleScanCompleted({ releaseId: undefined, repository: undefined });

    expect(applyEvent(undefined, ev('x', orphanScan))).toBeUndefined();
    expect(applyEvent(thread, ev('x', orphanScan))).toBe(thread);
    expect(applyEvent(thread, ev('y', exampleRegistryImagePushed()))).toBe(thread);
  });

  it('ignores events about another release', () => {
    const thread = foldEvents(fullRelease);
    const other = exampleAuditCompleted({ releaseId: `github/acme/shop-api@${'b'.repeat(40)}` });

    expect(applyEvent(thread, ev('other', other))).toBe(thread);
  });

  it('records who did what once per request id, in time order', () => {
    const approve = ev('c1', exampleReleaseApprove(), '2025-01-15T09:31:00.000Z');
    const rollback = ev('c2', exampleReleaseRollback(), '2025-01-15T09:40:00.000Z');
    // A double click re-sends the same request id under a new event id.
    const doubleClick = ev('c3', exampleReleaseApprove(), '2025-01-15T09:31:01.000Z');

    const sut = foldEvents([rollback, approve, doubleClick, ev('c4', exampleFindingTriage()), ev('c5', exampleVulnerabilityAccept())]);

    expect(Object.keys(sut?.actions ?? {})).toHaveLength(4);
    expect(sut?.actions['slack-1737000000.000100-approve']).toMatchObject({ actor: { name: 'Dana Ops', source: 'slack' }, environment: 'production', note: 'Change window CHG-1234' });
    expect(sut?.actions['api-0c8d2e91']).toMatchObject({ kind: 'release.rollback', note: 'Checkout error rate doubled after the switch' });
  });

  it('stays bounded: 500 findings keep the first few and the total', () => {
    const findings = Array.from({ length: 500 }, (_, i) => exampleAuditFinding({ line: i + 1 }));
    const sut = applyEvent(undefined, ev('a', exampleAuditCompleted({ findings, counts: { critical: 0, high: 500, medium: 0, low: 0, unknown: 0 } })));

    expect(sut?.audit?.status === 'completed' && sut.audit.findings.length).toBe(THREAD_LIMITS.findings);
    expect(sut?.audit?.status === 'completed' && sut.audit.findingsTotal).toBe(500);
    expect(JSON.stringify(sut).length).toBeLessThan(20_000);
  });

  it('stays bounded in environments and actions, keeping the same ones whatever the order', () => {
    const envs = Array.from({ length: 30 }, (_, i) =>
      ev(`d${i}`, exampleReleaseTransition({ environment: `env-${String(i).padStart(2, '0')}`, sequence: 1 })),
    );
    const actions = Array.from({ length: 40 }, (_, i) =>
      ev(`c${i}`, exampleReleaseApprove({ requestId: `r-${i}` }), `2025-01-15T10:${String(i).padStart(2, '0')}:00.000Z`),
    );

    const forward = foldEvents([...envs, ...actions]);
    const backward = foldEvents([...envs, ...actions].reverse());

    expect(Object.keys(forward?.environments ?? {})).toHaveLength(THREAD_LIMITS.environments);
    expect(Object.keys(forward?.actions ?? {})).toHaveLength(THREAD_LIMITS.actions);
    expect(forward?.actions['r-39']).toBeDefined();
    expect(forward?.actions['r-0']).toBeUndefined();
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
  });

  it('copies only contract fields: anything else a producer put in a body never reaches the thread', () => {
    const leaky = { ...exampleAuditFinding(), value: 'ghp_RAWSECRETVALUE1234567890abcdef' };
    const body = { ...exampleAuditCompleted({ findings: [leaky] }), rawDiff: 'ghp_RAWSECRETVALUE1234567890abcdef' };

    const sut = applyEvent(undefined, ev('a', body));

    expect(JSON.stringify(sut)).not.toContain('RAWSECRETVALUE');
    expect(sut?.audit?.status === 'completed' && sut.audit.findings[0]?.preview).toBe('const token = "ghp_****************"');
  });

  it('is plain JSON: a round trip through JSON gives the same thread', () => {
    const sut = foldEvents(fullRelease);

    expect(JSON.parse(JSON.stringify(sut))).toEqual(sut);
  });
});
