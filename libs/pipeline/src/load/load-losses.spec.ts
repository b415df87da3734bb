import { describe, expect, it } from 'vitest';
import { expectedEnd, type ReleaseFacts, releaseProblems, summarizeLosses } from './load-losses.js';

const complete: ReleaseFacts = {
  type: 'image',
  accepted: true,
  imageAccepted: true,
  audits: 1,
  auditVerdict: 'pass',
  scans: 1,
  lastTransition: { to: 'waiting', reason: 'WaitingForApproval' },
  roots: 1,
  rootFinal: true,
};

describe('releaseProblems', () => {
  it('finds nothing wrong with a fully processed release', () => {
    expect(releaseProblems(complete)).toEqual([]);
  });

  it('reports each missing piece as lost', () => {
    expect(releaseProblems({ ...complete, audits: 0, auditVerdict: undefined }).map((p) => [p.kind, p.what])).toEqual([['lost', 'no audit result']]);
    expect(releaseProblems({ ...complete, scans: 0 })).toEqual([{ kind: 'lost', what: 'no scan with the release id' }]);
    expect(releaseProblems({ ...complete, lastTransition: undefined })).toEqual([{ kind: 'lost', what: 'no deploy.events transition' }]);
    expect(releaseProblems({ ...complete, roots: 0 })).toEqual([{ kind: 'lost', what: 'no Slack root' }]);
    expect(releaseProblems({ ...complete, rootFinal: false })).toEqual([{ kind: 'lost', what: 'Slack root does not show the final state' }]);
  });

  it('does not ask a commit without an image for a scan', () => {
    expect(releaseProblems({ ...complete, type: 'commit', scans: 0 })).toEqual([]);
  });

  it('reports duplicates', () => {
    expect(releaseProblems({ ...complete, audits: 2, roots: 2 }).map((p) => p.kind)).toEqual(['duplicate', 'duplicate']);
  });

  it('reports a wrong verdict or end: a planted secret must fail the audit and block the release', () => {
    const finding = { ...complete, type: 'image+finding' as const };
    expect(releaseProblems(finding).map((p) => p.what)).toEqual(['audit verdict pass', 'ended waiting (WaitingForApproval), expected blocked (SecretsFound)']);
    expect(releaseProblems({ ...finding, auditVerdict: 'fail', lastTransition: { to: 'blocked', reason: 'SecretsFound' } })).toEqual([]);
  });

  it('asks a deploying release to end deployed', () => {
    expect(expectedEnd('deploy')).toEqual({ to: 'succeeded', reason: 'RolloutComplete' });
    expect(releaseProblems({ ...complete, type: 'deploy' })[0]?.what).toMatch(/expected succeeded/);
  });

  it('counts a refused push as refused and asks nothing else of it', () => {
    expect(releaseProblems({ ...complete, accepted: false, audits: 0 })).toEqual([{ kind: 'refused', what: 'push not accepted by the intake' }]);
  });
});

describe('summarizeLosses', () => {
  it('counts releases by kind of problem, with examples', () => {
    const sut = summarizeLosses([
      { title: 'a', problems: [] },
      { title: 'b', problems: [{ kind: 'lost', what: 'no audit result' }] },
      { title: 'c', problems: [{ kind: 'duplicate', what: '2 Slack roots' }, { kind: 'lost', what: 'no Slack root' }] },
      { title: 'd', problems: [{ kind: 'refused', what: 'push not accepted by the intake' }] },
    ]);
    expect(sut).toEqual({
      releases: 4,
      complete: 1,
      lost: 2,
      duplicate: 1,
      wrong: 0,
      refused: 1,
      examples: ['b: no audit result', 'c: 2 Slack roots; no Slack root', 'd: push not accepted by the intake'],
    });
  });
});
