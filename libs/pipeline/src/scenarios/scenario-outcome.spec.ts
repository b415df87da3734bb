import { describe, expect, it } from 'vitest';
import { checkDeployPath, expectedOutcome, scenarioReleases, type ObservedTransition } from './scenario-outcome.js';
import { type ExpectedOutcome, type ScenarioParams } from './scenario.model.js';

const params: ScenarioParams = { owner: 'acme', registry: '127.0.0.1:25819', namespace: 'demo-staging', run: 'r1' };
const digest = `sha256:${'cd'.repeat(32)}`;
const previous = `github/acme/checkout@${'1'.repeat(40)}`;

/** A run of transitions (`from→to:Reason`), numbered in order, with the last one's extra fields. */
function path(steps: string[], last: Partial<ObservedTransition> = {}): ObservedTransition[] {
  return steps.map((step, i) => {
    const [, from, to, reason] = /^(.+)→(.+):(.+)$/.exec(step)!;
    const base: ObservedTransition = {
      sequence: i + 1,
      from: from === '∅' ? null : (from as ObservedTransition['to']),
      to: to as ObservedTransition['to'],
      reason: reason!,
      message: 'm',
      images: [],
    };
    return i === steps.length - 1 ? { ...base, ...last } : base;
  });
}

describe('checkDeployPath', () => {
  const clean = expectedOutcome('clean', params, digest).deploy;
  const deployed = { images: clean.images };

  it('accepts a deployed release whatever the number of waits before it', () => {
    const tail = ['waiting→approved:GatesPassed', 'approved→deploying:RolloutStarted', 'deploying→succeeded:RolloutComplete'];
    expect(checkDeployPath(path(['∅→waiting:WaitingForAudit', ...tail], deployed), clean)).toEqual([]);
    expect(checkDeployPath(path(['∅→waiting:WaitingForAudit', 'waiting→waiting:WaitingForScan', 'waiting→waiting:WaitingForScan', ...tail], deployed), clean)).toEqual([]);
    // Out of order on the topic: sorted by sequence first.
    expect(checkDeployPath(path(['∅→waiting:WaitingForBuild', ...tail], deployed).reverse(), clean)).toEqual([]);
  });

  it('reports a release that stopped early, failed, skipped a step or pinned another digest', () => {
    expect(checkDeployPath(path(['∅→waiting:WaitingForAudit', 'waiting→approved:GatesPassed', 'approved→deploying:RolloutStarted']), clean).join()).toMatch(/expected deploying→succeeded/);
    expect(checkDeployPath(path(['∅→waiting:W', 'waiting→approved:GatesPassed', 'approved→deploying:RolloutStarted', 'deploying→failed:NothingToRestore'], deployed), clean)).toHaveLength(1);
    expect(checkDeployPath(path(['∅→waiting:W', 'waiting→approved:GatesPassed', 'approved→deploying:RolloutStarted', 'waiting→succeeded:RolloutComplete'], deployed), clean).join()).toMatch(
      /does not start where the previous one ended \(deploying\)/,
    );
    const other = [{ ...clean.images[0]!, digest: `sha256:${'ef'.repeat(32)}` }];
    expect(checkDeployPath(path(['∅→waiting:W', 'waiting→approved:GatesPassed', 'approved→deploying:RolloutStarted', 'deploying→succeeded:RolloutComplete'], { images: other }), clean).join()).toMatch(/^images:/);
    expect(checkDeployPath(path(['∅→blocked:SecretsFound', 'blocked→approved:GatesPassed', 'approved→deploying:RolloutStarted', 'deploying→succeeded:RolloutComplete'], deployed), clean).join()).toMatch(
      /transition 2: expected waiting→approved/,
    );
  });

  it('accepts a blocked release whether it waited or re-blocked first, and compares the gate summary exactly', () => {
    const expected = expectedOutcome('leaked-token', params, digest).deploy;
    const blocking = expected.blocking!;
    expect(checkDeployPath(path(['∅→blocked:SecretsFound'], { blocking }), expected)).toEqual([]);
    expect(checkDeployPath(path(['∅→waiting:WaitingForAudit', 'waiting→blocked:SecretsFound', 'blocked→blocked:SecretsFound'], { blocking }), expected)).toEqual([]);
    expect(checkDeployPath(path(['∅→blocked:VulnerabilitiesFound'], { blocking }), expected)).toHaveLength(1);
    expect(checkDeployPath(path(['∅→blocked:SecretsFound'], { blocking: { ...blocking, secrets: 2 } }), expected).join()).toMatch(/^blocking:/);
    expect(checkDeployPath(path(['∅→blocked:SecretsFound', 'blocked→approved:GatesPassed', 'approved→blocked:SecretsFound'], { blocking }), expected).join()).toMatch(
      /approved.*not allowed before the final ones/,
    );
  });

  it('requires a rollback to the earlier good release, with the deadline in its message', () => {
    const expected = expectedOutcome('failing-rollout', params, digest).deploy;
    const steps = ['∅→waiting:W', 'waiting→approved:GatesPassed', 'approved→deploying:RolloutStarted', 'deploying→rolled_back:AutomaticRollback'];
    const last = { images: expected.images, relatedReleaseId: previous, message: 'ProgressDeadlineExceeded: pods not ready in 8s; back to the previous release' };
    expect(checkDeployPath(path(steps, last), expected, previous)).toEqual([]);
    expect(checkDeployPath(path(steps, { ...last, relatedReleaseId: `github/acme/checkout@${'2'.repeat(40)}` }), expected, previous).join()).toMatch(/^rolled back to/);
    expect(checkDeployPath(path(steps, { ...last, message: 'gave up' }), expected, previous).join()).toMatch(/^message/);
  });
});

describe('expectedOutcome', () => {
  it('names the vulnerable package in the image pinned to the pushed digest, as the orchestrator words it', () => {
    const outcome: ExpectedOutcome = expectedOutcome('vulnerable-image', params, digest);
    expect(outcome.scan.verdict).toBe('fail');
    expect(outcome.deploy.blocking?.items).toEqual([
      { gate: 'image-scan', id: 'GHSA-xvch-5gv4-984h', severity: 'critical', location: `127.0.0.1:25819/acme/catalog@${digest} minimist@1.2.5 (fixed in 1.2.6)` },
    ]);
    expect(outcome.cluster).toBe('absent');
  });

  it('expects a clean release deployed with its image pinned, and nothing found', () => {
    const outcome = expectedOutcome('clean', { ...params, name: 'svc-3' }, digest);
    expect(outcome).toMatchObject({ audit: { verdict: 'pass', findings: [] }, scan: { verdict: 'pass', vulnerabilities: [] }, cluster: 'this-release' });
    expect(outcome.deploy.images).toEqual([{ registry: '127.0.0.1:25819', repository: 'acme/svc-3', tag: 'main', digest }]);
  });
});

describe('scenarioReleases', () => {
  it('gives failing-rollout a clean first release of the same repository, to settle before the failing one', () => {
    const [good, bad, ...rest] = scenarioReleases('failing-rollout', params);
    expect(rest).toEqual([]);
    expect(good).toMatchObject({ kind: 'clean', settleBeforeNext: 'succeeded', params: { name: 'checkout' } });
    expect(bad).toMatchObject({ kind: 'failing-rollout', params: { name: 'checkout' } });
    expect(bad!.settleBeforeNext).toBeUndefined();
    expect(good!.files.files['.portcullis.yaml']).toBe(bad!.files.files['.portcullis.yaml']);
    expect(expectedOutcome(good!.kind, good!.params, digest).deploy.images[0]?.repository).toBe('acme/checkout');
  });

  it('gives every other kind one release in its own repository', () => {
    expect(scenarioReleases('plaintext-secret', params).map((r) => [r.kind, r.params.name, r.files.planted.length])).toEqual([['plaintext-secret', 'orders', 1]]);
  });
});
