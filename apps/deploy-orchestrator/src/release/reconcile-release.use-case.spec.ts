import {
  EXAMPLE_ACTOR,
  EXAMPLE_REPOSITORY,
  exampleAuditCompleted,
  exampleRegistryBuildAnnounced,
  exampleReleaseApprove,
  exampleReleasePromote,
  exampleReleaseRollback,
  exampleScanCompleted,
  type ImageReference,
  type ReleaseTransitionEvent,
} from '@portcullis/contracts';
import { NotReadyError, PortcullisError } from '@portcullis/errors';
import { beforeEach, describe, expect, it } from 'vitest';
import { type DeployConfigResolution, resolveDeployConfig } from './deploy-config.schema.js';
import { ReconcileRelease, type ReleaseInput } from './reconcile-release.use-case.js';
import { auditInput, buildInput, commandInput, scanInput } from './release-inputs.js';
import { type ReleaseRecord } from './release.model.js';
import {
  type AppEnvironmentIndex,
  type KubeObject,
  type ManifestGate,
  type ReleaseStore,
  type RolloutRequest,
  type RolloutStep,
  type Rollouts,
} from './reconcile.ports.js';

const IMAGE_REPO = 'registry.example.com/acme/shop-api';
const sha = (n: number) => n.toString(16).padStart(40, '0');
const releaseOf = (n: number) => ({ releaseId: `github/acme/shop-api@${sha(n)}`, repository: { ...EXAMPLE_REPOSITORY }, sha: sha(n) });
const image = (digestByte: string): ImageReference => ({ registry: 'registry.example.com', repository: 'acme/shop-api', digest: `sha256:${digestByte.repeat(64)}` });

function config(overrides: Record<string, unknown> = {}): DeployConfigResolution {
  return resolveDeployConfig({
    images: [IMAGE_REPO],
    manifests: { path: 'deploy' },
    environments: [{ name: 'production', namespace: 'shop', ...overrides }],
  });
}

class MemoryReleases implements ReleaseStore {
  readonly records = new Map<string, ReleaseRecord>();
  async get(id: string) {
    return structuredClone(this.records.get(id));
  }
  async put(release: ReleaseRecord) {
    this.records.set(release.releaseId, structuredClone(release));
  }
}

class MemoryIndex implements AppEnvironmentIndex {
  readonly scopes = new Map<string, { next: number; releases: Map<string, number>; newest?: string; active?: string; lastGood?: string; quarantine: { releaseId: string; order: number; digests: readonly string[] }[] }>();
  #scope(s: string) {
    let r = this.scopes.get(s);
    if (!r) this.scopes.set(s, (r = { next: 1, releases: new Map(), quarantine: [] }));
    return r;
  }
  async register(s: string, id: string) {
    const r = this.#scope(s);
    const known = r.releases.get(id);
    if (known !== undefined) return { order: known, newest: r.newest!, previous: undefined };
    const previous = r.newest;
    r.releases.set(id, r.next++);
    r.newest = id;
    return { order: r.next - 1, newest: id, previous };
  }
  async newest(s: string) {
    return this.#scope(s).newest;
  }
  async active(s: string) {
    return this.#scope(s).active;
  }
  async setActive(s: string, id: string | undefined) {
    this.#scope(s).active = id;
  }
  async lastGood(s: string) {
    return this.#scope(s).lastGood;
  }
  async setLastGood(s: string, id: string) {
    this.#scope(s).lastGood = id;
  }
  async quarantine(s: string, entry: { releaseId: string; order: number; digests: readonly string[] }) {
    this.#scope(s).quarantine.push(entry);
  }
  async quarantinedBy(s: string, order: number, digests: readonly string[]) {
    return this.#scope(s).quarantine.find((q) => order <= q.order && q.digests.some((d) => digests.includes(d)))?.releaseId;
  }
}

/** A cluster that answers each advance from a script; records what was asked. */
class ScriptedRollouts implements Rollouts {
  readonly advanced: RolloutRequest[] = [];
  readonly promoted: boolean[] = [];
  readonly rolledBack: string[] = [];
  next: (request: RolloutRequest) => RolloutStep = () => ({ kind: 'complete', progress: { phase: 'complete' }, finalizeAt: undefined });
  async advance(request: RolloutRequest, _progress: unknown, options: { promote: boolean }) {
    this.advanced.push(request);
    this.promoted.push(options.promote);
    return this.next(request);
  }
  async rollBack(request: RolloutRequest) {
    this.rolledBack.push(request.releaseId);
    return request.lastGoodReleaseId
      ? { kind: 'rolled-back' as const, restoredReleaseId: request.lastGoodReleaseId, progress: { phase: 'rolled-back' } }
      : { kind: 'nothing-to-restore' as const, progress: { phase: 'failed' } };
  }
  async finalize(_request: RolloutRequest, progress: unknown) {
    return progress;
  }
}

const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop-api' } };

describe('ReconcileRelease', () => {
  let releases: MemoryReleases;
  let index: MemoryIndex;
  let rollouts: ScriptedRollouts;
  let published: ReleaseTransitionEvent[];
  let deployConfig: DeployConfigResolution;
  let manifests: Awaited<ReturnType<ManifestGate['prepare']>>;
  let tokens: Map<string, number>;
  let sut: ReconcileRelease;

  beforeEach(() => {
    releases = new MemoryReleases();
    index = new MemoryIndex();
    rollouts = new ScriptedRollouts();
    published = [];
    deployConfig = config();
    manifests = { kind: 'ready', objects: [deployment] };
    tokens = new Map();
    sut = new ReconcileRelease({
      releases,
      index,
      files: { deployConfig: async () => deployConfig },
      manifests: { prepare: async () => manifests },
      rollouts,
      bus: { publish: async (event) => void published.push(event) },
      locks: {
        withLock: async (name, _ttl, fn) => {
          tokens.set(name, (tokens.get(name) ?? 0) + 1);
          return fn({ token: tokens.get(name)! }, new AbortController().signal);
        },
      },
      clock: { now: () => new Date('2026-11-26T12:00:00.000Z') },
      options: { stepBudgetMs: 1_000, lockTtlMs: 5_000, busyRetryMs: 1_500 },
    });
  });

  const passAudit = (n: number) => auditInput(exampleAuditCompleted({ ...releaseOf(n), range: { before: sha(0), after: sha(n) }, verdict: 'pass', counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }, findings: [] }));
  const build = (n: number, img = image('a')) => buildInput(exampleRegistryBuildAnnounced({ repository: { ...EXAMPLE_REPOSITORY }, commit: sha(n), image: img }));
  const passScan = (n: number, img = image('a')) => scanInput(exampleScanCompleted({ ...releaseOf(n), image: img, verdict: 'pass', vulnerabilities: [], counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 } }));
  const run = (n: number, input: ReleaseInput) => sut.execute(releaseOf(n), input);
  const states = (n: number) => published.filter((e) => e.releaseId === releaseOf(n).releaseId).map((e) => `${e.to}:${e.reason}`);
  const passAll = async (n: number, img = image('a')) => {
    await run(n, passAudit(n));
    await run(n, build(n, img));
    await run(n, passScan(n, img));
  };

  it('waits for the missing gates, then deploys once every gate passed, publishing each transition in sequence', async () => {
    await passAll(1);

    expect(states(1)).toEqual(['waiting:WaitingForBuild', 'waiting:WaitingForScan', 'approved:GatesPassed', 'deploying:RolloutStarted', 'succeeded:RolloutComplete']);
    expect(published.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(published[0]).toMatchObject({ from: null, waitingFor: ['image-scan'], environment: 'production', strategy: 'rolling' });
    expect(published.at(-1)?.images).toEqual([image('a')]);
    expect(rollouts.advanced[0]).toMatchObject({ app: 'shop-api', releaseId: releaseOf(1).releaseId, objects: [deployment], fence: 1 });
    expect(await index.lastGood('shop-api/production')).toBe(releaseOf(1).releaseId);
  });

  it('blocks on a secret finding with the rule and location, and publishes nothing new when the same result is redelivered', async () => {
    const failing = auditInput(exampleAuditCompleted({ ...releaseOf(1), range: { before: sha(0), after: sha(1) } }));

    await run(1, failing);
    await run(1, failing);

    expect(states(1)).toEqual(['blocked:SecretsFound']);
    expect(published[0]?.blocking).toEqual({ secrets: 1, vulnerabilities: 0, policyViolations: 0, items: [{ gate: 'secrets', id: 'github-pat', severity: 'high', location: 'src/payments/webhook.ts:12' }] });
  });

  it('blocks on manifest policy violations, naming object, field and rule', async () => {
    manifests = { kind: 'violations', violations: [{ rule: 'privileged', object: 'Deployment/shop/shop-api', field: 'spec.template.spec.containers[0].securityContext.privileged', message: 'privileged container' }] };

    await passAll(1);

    expect(states(1).at(-1)).toBe('blocked:PolicyViolations');
    expect(published.at(-1)?.blocking?.items[0]).toEqual({ gate: 'manifest-policy', id: 'privileged', location: 'Deployment/shop/shop-api spec.template.spec.containers[0].securityContext.privileged' });
    expect(rollouts.advanced).toHaveLength(0);
  });

  it('waits for approval where the environment requires it, and deploys once approved', async () => {
    deployConfig = config({ approval: true });
    await passAll(1);
    expect(states(1).at(-1)).toBe('waiting:WaitingForApproval');

    await run(1, commandInput(exampleReleaseApprove({ releaseId: releaseOf(1).releaseId, environment: 'production', actor: EXAMPLE_ACTOR })));

    expect(states(1).slice(-3)).toEqual(['approved:Approved', 'deploying:RolloutStarted', 'succeeded:RolloutComplete']);
    expect(published.at(-3)?.message).toContain('Dana Ops');
  });

  it('hands a progressing rollout back as not-ready and resumes it with the persisted progress', async () => {
    rollouts.next = () => ({ kind: 'wait', retryAfterMs: 500, progress: { phase: 'progressing', step: 1 } });
    await run(1, passAudit(1));
    await run(1, build(1));

    const waiting = run(1, passScan(1));

    await expect(waiting).rejects.toBeInstanceOf(NotReadyError);
    await expect(waiting).rejects.toMatchObject({ retryAfterMs: 500 });
    expect((await releases.get(releaseOf(1).releaseId))?.environments['production']).toMatchObject({ state: 'deploying', progress: { phase: 'progressing', step: 1 } });

    rollouts.next = () => ({ kind: 'complete', progress: { phase: 'complete' }, finalizeAt: undefined });
    await run(1, (r) => r);
    expect(states(1).at(-1)).toBe('succeeded:RolloutComplete');
  });

  it('passes a promotion on to the strategy of a deploying release', async () => {
    rollouts.next = () => ({ kind: 'wait', retryAfterMs: 500, progress: { phase: 'awaiting-promotion' } });
    await run(1, passAudit(1));
    await run(1, build(1));
    await expect(run(1, passScan(1))).rejects.toBeInstanceOf(NotReadyError);
    expect(rollouts.promoted).toEqual([false]);

    await expect(run(1, commandInput(exampleReleasePromote({ releaseId: releaseOf(1).releaseId, environment: 'production', actor: EXAMPLE_ACTOR })))).rejects.toBeInstanceOf(NotReadyError);

    expect(rollouts.promoted).toEqual([false, true]);
  });

  it('rolls back automatically on a failed rollout, quarantines the digest, and never deploys it again for that commit or an older one', async () => {
    await passAll(1, image('a'));
    rollouts.next = () => ({ kind: 'failed', reason: 'ProgressDeadlineExceeded', message: 'pods never became ready', progress: { phase: 'failed' } });

    await passAll(2, image('b'));
    await run(2, passScan(2, image('b'))); // the same result again, e.g. a re-scan

    expect(states(2).slice(-2)).toEqual(['deploying:RolloutStarted', 'rolled_back:AutomaticRollback']);
    expect(published.at(-1)).toMatchObject({ relatedReleaseId: releaseOf(1).releaseId });
    expect(published.at(-1)?.message).toContain('pods never became ready');
    expect(rollouts.advanced).toHaveLength(2);
    expect(await index.lastGood('shop-api/production')).toBe(releaseOf(1).releaseId);

    rollouts.next = () => ({ kind: 'complete', progress: {}, finalizeAt: undefined });
    await passAll(3, image('b'));
    expect(states(3).at(-1)).toBe('succeeded:RolloutComplete');
  });

  it('refuses an older release carrying a quarantined digest', async () => {
    await index.quarantine('shop-api/production', { releaseId: releaseOf(9).releaseId, order: 5, digests: [image('c').digest] });

    await passAll(1, image('c'));

    expect(states(1).at(-1)).toBe('blocked:Quarantined');
    expect(rollouts.advanced).toHaveLength(0);
  });

  it('fails without a rollback target when the very first rollout fails', async () => {
    rollouts.next = () => ({ kind: 'failed', reason: 'ProgressDeadlineExceeded', message: 'deadline', progress: {} });

    await passAll(1);

    expect(states(1).at(-1)).toBe('failed:NothingToRestore');
    expect(await index.active('shop-api/production')).toBeUndefined();
  });

  it('supersedes a waiting release when a newer one of the same app arrives', async () => {
    await run(1, passAudit(1));
    await run(2, passAudit(2));

    expect(states(1)).toEqual(['waiting:WaitingForBuild', 'superseded:Superseded']);
    expect(published.find((e) => e.to === 'superseded')?.relatedReleaseId).toBe(releaseOf(2).releaseId);
    expect(states(2)).toEqual(['waiting:WaitingForBuild']);
  });

  it('keeps an approved release waiting while another release of the app is deploying', async () => {
    await index.setActive('shop-api/production', releaseOf(7).releaseId);

    await run(1, passAudit(1));
    await run(1, build(1));
    const busy = run(1, passScan(1));

    await expect(busy).rejects.toMatchObject({ disposition: 'not-ready', retryAfterMs: 1_500 });
    expect(states(1).at(-1)).toBe('approved:GatesPassed');
    expect(rollouts.advanced).toHaveLength(0);
  });

  it('keeps a rollout the cluster interrupted as deploying, resumes it on retry, and lets a newer release wait instead of superseding it', async () => {
    let unreachable = true;
    rollouts.next = () => {
      if (unreachable) throw new PortcullisError({ code: 'KUBE_UNAVAILABLE', disposition: 'retry', message: 'connect ECONNREFUSED' });
      return { kind: 'complete', progress: { phase: 'complete' }, finalizeAt: undefined };
    };
    await run(1, passAudit(1));
    await run(1, build(1));
    await expect(run(1, passScan(1))).rejects.toMatchObject({ code: 'KUBE_UNAVAILABLE' });

    // What deploy.events says is what the record says.
    expect(states(1).slice(-2)).toEqual(['approved:GatesPassed', 'deploying:RolloutStarted']);
    expect((await releases.get(releaseOf(1).releaseId))?.environments['production']).toMatchObject({ state: 'deploying', sequence: 4 });

    // A newer release arrives meanwhile: the interrupted one may have applied something, so it is not superseded.
    await run(2, passAudit(2));
    await run(2, build(2, image('b')));
    await expect(run(2, passScan(2, image('b')))).rejects.toMatchObject({ disposition: 'not-ready' });
    expect(states(1)).not.toContain('superseded:Superseded');

    unreachable = false;
    await run(1, passScan(1));
    expect(states(1).at(-1)).toBe('succeeded:RolloutComplete');
    await run(2, passScan(2, image('b')));
    expect(states(2).at(-1)).toBe('succeeded:RolloutComplete');
    // Each release's sequence numbers are published once each.
    for (const n of [1, 2]) {
      const sequences = published.filter((e) => e.releaseId === releaseOf(n).releaseId).map((e) => e.sequence);
      expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    }
  });

  it('ends the release as failed with the missing permission when the cluster forbids the apply', async () => {
    rollouts.next = () => {
      throw new PortcullisError({ code: 'KUBE_FORBIDDEN', disposition: 'permanent', message: 'forbidden: cannot patch deployments.apps in namespace shop' });
    };

    await passAll(1);

    expect(states(1).at(-1)).toBe('failed:Forbidden');
    expect(published.at(-1)?.message).toContain('cannot patch deployments.apps');
    expect(await index.active('shop-api/production')).toBeUndefined();
  });

  it('rolls a succeeded release back on request and quarantines it', async () => {
    await passAll(1, image('a'));
    await passAll(2, image('b'));

    await run(2, commandInput(exampleReleaseRollback({ releaseId: releaseOf(2).releaseId, environment: 'production', actor: EXAMPLE_ACTOR, reason: 'errors in checkout' })));

    expect(states(2).at(-1)).toBe('rolled_back:ManualRollback');
    expect(published.at(-1)?.message).toContain('errors in checkout');
    expect(await index.quarantinedBy('shop-api/production', 2, [image('b').digest])).toBe(releaseOf(2).releaseId);
  });

  it('ignores pushes to branches the environment does not deploy from', async () => {
    deployConfig = config({ branches: ['release'] });

    await passAll(1);

    expect(published).toEqual([]);
  });

  it('reports an invalid deploy section as a permanent error naming the field', async () => {
    deployConfig = config({ strategy: 'canary' });

    await expect(run(1, passAudit(1))).rejects.toMatchObject({ disposition: 'permanent', message: expect.stringContaining('deploy.environments.0.strategy') });
  });
});
