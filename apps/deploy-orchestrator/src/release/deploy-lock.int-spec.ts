import { AppsV1Api } from '@kubernetes/client-node';
import {
  exampleAuditCompleted,
  exampleRegistryBuildAnnounced,
  exampleScanCompleted,
  type ImageReference,
  type ReleaseState,
  type ReleaseTransitionEvent,
  type RepositoryRef,
} from '@portcullis/contracts';
import { dispositionOf } from '@portcullis/errors';
import { ClientNodeKubeCluster, KubeRollout } from '@portcullis/kube';
import { createRedisClient, RedisFencingLock, type StateClient } from '@portcullis/state';
import { stackEnv, uniquePrefix } from '@portcullis/testing';
import { adminKubeConfig, createTestNamespace, type TestNamespace } from '@portcullis/testing/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeRollouts } from '../adapters/kube.rollouts.js';
import { RedisAppEnvironmentIndex } from '../adapters/redis-app-environment.index.js';
import { RedisReleaseStore } from '../adapters/redis-release.store.js';
import { resolveDeployConfig } from './deploy-config.schema.js';
import { type Locks, ReconcileRelease, type ReleaseInput } from './reconcile-release.use-case.js';
import { type KubeObject, type ManifestGate, type PipelineFiles } from './reconcile.ports.js';
import { auditInput, buildInput, scanInput } from './release-inputs.js';

/*
 * Two orchestrator instances (each its own Redis client, lock and cluster client) on one Redis and
 * the local control plane: the deploy lock and the shared index decide who rolls out. Only the git
 * side is stubbed (the commit's config and a small Deployment that passes every gate).
 */

const stack = stackEnv();
const keyPrefix = uniquePrefix('deploy-lock');
const admin = adminKubeConfig();
const HOUR = 3_600_000;
const ENV = 'staging';
const SETTLED: readonly ReleaseState[] = ['succeeded', 'failed', 'rolled_back', 'superseded', 'blocked'];
const counts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };

let namespace: TestNamespace;
const clients: StateClient[] = [];
/** Every transition both instances published, in publishing order. */
const published: ReleaseTransitionEvent[] = [];
/** Runs when a transition is published (inside the publisher's step, so inside its locks). */
let onPublish: (event: ReleaseTransitionEvent) => Promise<void> = async () => undefined;

const repositoryOf = (app: string): RepositoryRef => ({ provider: 'github', owner: 'acme', name: app });
const imageOf = (app: string, byte: string): ImageReference => ({ registry: 'registry.example.com', repository: `acme/${app}`, tag: 'main', digest: `sha256:${byte.repeat(64)}` });

interface Release {
  readonly releaseId: string;
  readonly repository: RepositoryRef;
  readonly sha: string;
  readonly image: ImageReference;
}

function releaseOf(app: string, byte: string): Release {
  const sha = byte.repeat(40);
  return { releaseId: `github/acme/${app}@${sha}`, repository: repositoryOf(app), sha, image: imageOf(app, byte) };
}

/** The commit's `deploy:` section: the app is the repository name, one environment in the test namespace. */
const files: PipelineFiles = {
  deployConfig: async (repository) =>
    resolveDeployConfig({
      images: [`registry.example.com/acme/${repository.name}`],
      manifests: { path: 'deploy' },
      environments: [{ name: ENV, namespace: namespace.name, progressDeadlineSeconds: 60 }],
    }),
};

/** A small Deployment named after the app, its image pinned to the release's digest; it passes the policy. */
const manifests: ManifestGate = {
  prepare: async ({ deploy, env, images, repository }) => {
    const app = deploy.app ?? repository.name;
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app, namespace: env.namespace },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app } },
        template: {
          metadata: { labels: { app } },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 10001 },
            containers: [{ name: app, image: `${images[0]!.registry}/${images[0]!.repository}@${images[0]!.digest}`, resources: { limits: { cpu: '100m', memory: '64Mi' } } }],
          },
        },
      },
    };
    return { kind: 'ready', objects: [deployment] };
  },
};

/** One orchestrator instance: its own Redis connection, lock owner and cluster client. */
function instance(name: string, wrapLocks: (locks: Locks) => Locks = (l) => l): { sut: ReconcileRelease; releases: RedisReleaseStore } {
  const client = createRedisClient({ url: stack.redisUrl, keyPrefix, clientName: `deploy-lock-int-${name}` });
  clients.push(client);
  const releases = new RedisReleaseStore(client, HOUR);
  const sut = new ReconcileRelease({
    releases,
    index: new RedisAppEnvironmentIndex(client, HOUR),
    files,
    manifests,
    rollouts: new KubeRollouts(new Map([['default', new KubeRollout(new ClientNodeKubeCluster(admin))]])),
    bus: {
      publish: async (event) => {
        published.push(event);
        await onPublish(event);
      },
    },
    locks: wrapLocks(new RedisFencingLock(client, { namespace: 'deploy-lock' })),
    clock: { now: () => new Date() },
    options: { stepBudgetMs: 300, lockTtlMs: 10_000, busyRetryMs: 200 },
  });
  return { sut, releases };
}

/** Every gate input at once: a passing audit, the build, a passing scan. */
function allGatesPass(release: Release): ReleaseInput {
  const inputs = [
    auditInput(exampleAuditCompleted({ releaseId: release.releaseId, repository: release.repository, range: { before: '0'.repeat(40), after: release.sha }, verdict: 'pass', findings: [], counts })),
    buildInput(exampleRegistryBuildAnnounced({ repository: release.repository, commit: release.sha, image: release.image })),
    scanInput(exampleScanCompleted({ releaseId: release.releaseId, repository: release.repository, image: release.image, verdict: 'pass', vulnerabilities: [], counts })),
  ];
  return (record) => inputs.reduce((r, input) => input(r), record);
}

const unchanged: ReleaseInput = (record) => record;
const target = (release: Release) => ({ releaseId: release.releaseId, repository: release.repository, sha: release.sha });

/** Runs one reconcile step; a not-ready outcome (still deploying, lock busy) is an answer, anything else fails the test. */
async function step(sut: ReconcileRelease, release: Release, input: ReleaseInput = unchanged): Promise<'done' | 'not-ready'> {
  try {
    await sut.execute(target(release), input);
    return 'done';
  } catch (error) {
    if (dispositionOf(error) === 'not-ready') return 'not-ready';
    throw error;
  }
}

async function stateOf(store: RedisReleaseStore, release: Release): Promise<ReleaseState | undefined> {
  return (await store.get(release.releaseId))?.environments[ENV]?.state;
}

/** Steps the release the way the consumer's requeue would, until it settled in the environment. */
async function driveToSettled(sut: ReconcileRelease, store: RedisReleaseStore, release: Release, each: () => Promise<void> = async () => undefined): Promise<ReleaseState> {
  for (let attempt = 0; attempt < 300; attempt++) {
    await step(sut, release);
    const state = await stateOf(store, release);
    if (state && SETTLED.includes(state)) return state;
    await each();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${release.releaseId} did not settle: ${await stateOf(store, release)}`);
}

/** Pairs of releases of one app that were both `deploying` (started, not yet settled) at some point of the published history. */
function overlappingDeploys(events: readonly ReleaseTransitionEvent[]): string[] {
  const deploying = new Map<string, string>();
  const overlaps: string[] = [];
  for (const e of events) {
    const scope = `${e.repository.name}/${e.environment}`;
    const current = deploying.get(scope);
    if (e.to === 'deploying') {
      if (current && current !== e.releaseId) overlaps.push(`${current} + ${e.releaseId}`);
      deploying.set(scope, e.releaseId);
    } else if (current === e.releaseId) {
      deploying.delete(scope);
    }
  }
  return overlaps;
}

async function liveDeployment(name: string): Promise<{ release: string | undefined; templateRelease: string | undefined; fence: number; image: string | undefined }> {
  const d = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name, namespace: namespace.name });
  return {
    release: d.metadata?.annotations?.['portcullis.dev/release'],
    templateRelease: d.spec?.template.metadata?.annotations?.['portcullis.dev/release'],
    fence: Number(d.metadata?.annotations?.['portcullis.dev/fence']),
    image: d.spec?.template.spec?.containers[0]?.image,
  };
}

beforeAll(async () => {
  namespace = await createTestNamespace(admin, 'deploy-lock');
});

afterAll(async () => {
  onPublish = async () => undefined;
  await Promise.all(clients.map((c) => c.close()));
  await namespace?.delete();
});

describe('the deploy lock between two orchestrator instances (Redis + local control plane)', () => {
  it('lets one release of an app roll out at a time: the other stays approved until the first succeeded, then replaces it', async () => {
    const one = instance('one');
    const two = instance('two');
    const first = releaseOf('shop', 'a');
    const second = releaseOf('shop', 'b');
    let contender: { outcome: 'done' | 'not-ready'; state: ReleaseState | undefined } | undefined;
    // The moment instance one has taken the deploy lock and started rolling out the first release,
    // instance two reconciles the second (newer) one, whose every gate has passed.
    onPublish = async (event) => {
      if (event.releaseId !== first.releaseId || event.to !== 'deploying' || contender) return;
      const outcome = await step(two.sut, second, allGatesPass(second));
      contender = { outcome, state: await stateOf(two.releases, second) };
    };

    await step(one.sut, first, allGatesPass(first));

    expect(contender).toEqual({ outcome: 'not-ready', state: 'approved' });
    // Until the first release settled, every retry of the second one is turned away.
    const firstState = await driveToSettled(one.sut, one.releases, first, async () => {
      expect(await step(two.sut, second)).toBe('not-ready');
      expect(await stateOf(two.releases, second)).toBe('approved');
    });
    expect(firstState).toBe('succeeded');
    const afterFirst = await liveDeployment('shop');
    expect(afterFirst).toMatchObject({ release: first.releaseId, templateRelease: first.releaseId, image: `registry.example.com/acme/shop@${first.image.digest}` });

    expect(await driveToSettled(two.sut, two.releases, second)).toBe('succeeded');

    const live = await liveDeployment('shop');
    expect(live).toMatchObject({ release: second.releaseId, templateRelease: second.releaseId, image: `registry.example.com/acme/shop@${second.image.digest}` });
    expect(live.fence).toBeGreaterThan(afterFirst.fence);
    expect(live.fence).toBe((await two.releases.get(second.releaseId))?.environments[ENV]?.fence);
    expect(overlappingDeploys(published)).toEqual([]);
    const shop = published.filter((e) => e.repository.name === 'shop' && ['deploying', 'succeeded'].includes(e.to)).map((e) => `${e.releaseId === first.releaseId ? 'first' : 'second'}:${e.to}`);
    expect(shop).toEqual(['first:deploying', 'first:succeeded', 'second:deploying', 'second:succeeded']);
  }, 120_000);

  it('does not start a release whose "nobody is deploying" check went stale before it got the deploy lock', async () => {
    // Instance two is slow between its check and taking the deploy lock (a GC pause, a slow Redis
    // round trip); meanwhile instance one starts a newer release of the same app.
    onPublish = async () => undefined;
    let resumeTwo!: () => void;
    const paused = new Promise<void>((resolve) => (resumeTwo = resolve));
    let twoReachedLock!: () => void;
    const twoAtLock = new Promise<void>((resolve) => (twoReachedLock = resolve));
    const two = instance('two-slow', (locks) => ({
      withLock: async (name, ttlMs, fn) => {
        if (name.startsWith('deploy:')) {
          twoReachedLock();
          await paused;
        }
        return locks.withLock(name, ttlMs, fn);
      },
    }));
    const one = instance('one-fast');
    const older = releaseOf('cart', 'c');
    const newer = releaseOf('cart', 'd');

    const olderStep = step(two.sut, older, allGatesPass(older));
    await twoAtLock;
    // The newer release registers, passes its gates and starts rolling out on instance one. (Its
    // attempt to supersede the older release finds that release's lock held by instance two.)
    await step(one.sut, newer, allGatesPass(newer));
    expect(['deploying', 'succeeded']).toContain(await stateOf(one.releases, newer));
    resumeTwo();
    await olderStep;

    // The older release must not roll out over (or next to) the newer one it lost to.
    expect(published.filter((e) => e.releaseId === older.releaseId).map((e) => `${e.from ?? '∅'}→${e.to} ${e.reason}`)).not.toContainEqual(expect.stringContaining('→deploying'));
    expect(['approved', 'superseded']).toContain(await stateOf(two.releases, older));
    expect(overlappingDeploys(published)).toEqual([]);
    expect(await driveToSettled(one.sut, one.releases, newer)).toBe('succeeded');
    expect((await liveDeployment('cart')).release).toBe(newer.releaseId);
  }, 120_000);

  it('rolls out different apps in parallel: neither waits for the other', async () => {
    const one = instance('one-parallel');
    const two = instance('two-parallel');
    const web = releaseOf('web', 'e');
    const api = releaseOf('api', 'f');
    // Each instance, once it has started its rollout, holds its deploy lock until the other has
    // started too: if the two apps shared a lock, the second would be turned away and this fails.
    let started = 0;
    let bothStarted!: () => void;
    const barrier = new Promise<void>((resolve) => (bothStarted = resolve));
    onPublish = async (event) => {
      if (event.to !== 'deploying' || ![web.releaseId, api.releaseId].includes(event.releaseId)) return;
      if (++started === 2) bothStarted();
      await Promise.race([barrier, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    };

    const outcomes = await Promise.all([step(one.sut, web, allGatesPass(web)), step(two.sut, api, allGatesPass(api))]);

    expect(started).toBe(2);
    expect(outcomes.every((o) => o === 'done' || o === 'not-ready')).toBe(true);
    expect([await stateOf(one.releases, web), await stateOf(two.releases, api)].map((s) => s === 'deploying' || s === 'succeeded')).toEqual([true, true]);
    onPublish = async () => undefined;
    expect(await driveToSettled(one.sut, one.releases, web)).toBe('succeeded');
    expect(await driveToSettled(two.sut, two.releases, api)).toBe('succeeded');
    expect((await liveDeployment('web')).release).toBe(web.releaseId);
    expect((await liveDeployment('api')).release).toBe(api.releaseId);
  }, 120_000);
  it('supersedes a waiting release on one instance when a newer release of the app arrives on the other', async () => {
    const one = instance('supersede-1');
    const two = instance('supersede-2');
    const older = releaseOf('basket', '1');
    const newer = releaseOf('basket', '2');
    // The older release has its audit but no build yet: waiting, nothing applied.
    await step(one.sut, older, auditInput(exampleAuditCompleted({ releaseId: older.releaseId, repository: older.repository, range: { before: '0'.repeat(40), after: older.sha }, verdict: 'pass', findings: [], counts })));
    expect((await one.releases.get(older.releaseId))?.environments[ENV]?.state).toBe('waiting');

    await step(two.sut, newer, allGatesPass(newer));
    expect(await driveToSettled(two.sut, two.releases, newer)).toBe('succeeded');

    const superseded = published.find((e) => e.releaseId === older.releaseId && e.to === 'superseded');
    expect(superseded).toMatchObject({ from: 'waiting', reason: 'Superseded', relatedReleaseId: newer.releaseId });
    expect((await one.releases.get(older.releaseId))?.environments[ENV]?.state).toBe('superseded');
    // Its gates passing later changes nothing: a superseded release never deploys.
    expect(await step(one.sut, older, allGatesPass(older))).toBe('done');
    expect(published.filter((e) => e.releaseId === older.releaseId).map((e) => e.to)).toEqual(['waiting', 'superseded']);
    const live = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'basket', namespace: namespace.name });
    expect(live.metadata?.annotations?.['portcullis.dev/release']).toBe(newer.releaseId);
  }, 60_000);
});
