import { afterEach, describe, expect, it } from 'vitest';
import { expectEventually } from '@portcullis/testing';
import { configMap, deployment, drive, IMAGE_V1, IMAGE_V2, kubeTestEnv, type KubeTestEnv } from '../test/kube-fixtures.js';
import { KubeError } from './kube.error.js';
import type { RolloutPlan, RolloutProgress } from './rollout.types.js';

describe('rolling strategy on the local control plane (as the deploy-orchestrator ServiceAccount)', () => {
  let env: KubeTestEnv | undefined;
  afterEach(async () => {
    await env?.namespace.delete();
    env = undefined;
  });

  const plan = (ns: string, releaseId: string, image: string, extra: Partial<RolloutPlan> = {}, neverReady = false): RolloutPlan => ({
    app: 'shop',
    namespace: ns,
    releaseId,
    fence: 1,
    objects: [configMap('shop-config', { release: releaseId }), deployment('shop', { image, neverReady })],
    strategy: 'rolling',
    progressDeadlineMs: 3_000,
    ...extra,
  });

  it('applies the release, waits for every replica and labels the Deployment', async () => {
    env = await kubeTestEnv('kube-rolling-ok');
    const result = await drive(env.rollout, plan(env.namespace.name, 'r1', IMAGE_V1));
    expect(result.outcome).toEqual({ kind: 'complete' });
    const d = await env.adminApps.readNamespacedDeployment({ name: 'shop', namespace: env.namespace.name });
    expect(d.status?.readyReplicas).toBe(2);
    expect(d.metadata?.annotations).toMatchObject({ 'portcullis.dev/release': 'r1', 'portcullis.dev/fence': '1' });
    expect(d.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'portcullis', 'portcullis.dev/app': 'shop' });
    expect(d.metadata?.managedFields?.some((f) => f.manager === 'portcullis-deploy-orchestrator' && f.operation === 'Apply')).toBe(true);
    expect(result.progress.completedAt).toBeGreaterThanOrEqual(result.progress.appliedAt ?? Infinity);
  });

  it('fails a release whose pods never become Ready at the deadline and rolls back to the last good template', async () => {
    env = await kubeTestEnv('kube-rolling-rb');
    const ns = env.namespace.name;
    expect((await drive(env.rollout, plan(ns, 'r1', IMAGE_V1))).outcome.kind).toBe('complete');
    const bad = plan(ns, 'r2', IMAGE_V2, { lastGoodReleaseId: 'r1' }, true);
    const failed = await drive(env.rollout, bad);
    expect(failed.outcome).toMatchObject({ kind: 'failed', reason: 'ProgressDeadlineExceeded' });

    const rolledBack = await env.rollout.rollBack(bad, failed.progress, 'ProgressDeadlineExceeded');
    expect(rolledBack.outcome).toEqual({ kind: 'rolled-back', restoredReleaseId: 'r1' });
    console.info(`rolling: failure detected → template restored in ${(rolledBack.progress.restoredAt ?? 0) - (rolledBack.progress.failedAt ?? 0)} ms`);
    await expectEventually(async () => {
      const d = await env!.adminApps.readNamespacedDeployment({ name: 'shop', namespace: ns });
      expect(d.spec?.template.spec?.containers[0]?.image).toBe(IMAGE_V1);
      expect(d.spec?.template.metadata?.labels?.['portcullis.dev/kwok-never-ready']).toBeUndefined();
      expect(d.metadata?.annotations?.['portcullis.dev/release']).toBe('r1');
      expect(d.status?.updatedReplicas).toBe(2);
      expect(d.status?.readyReplicas).toBe(2);
      expect(d.status?.replicas).toBe(2);
    });
    // Idempotent: a second rollback changes nothing and reports the same restore.
    expect((await env.rollout.rollBack(bad, rolledBack.progress, 'again')).outcome).toEqual({ kind: 'rolled-back', restoredReleaseId: 'r1' });
  });

  it('resumes from an older progress (or none) after a crash without applying twice', async () => {
    env = await kubeTestEnv('kube-rolling-resume');
    const ns = env.namespace.name;
    const snapshots: RolloutProgress[] = [];
    const p = plan(ns, 'r1', IMAGE_V1);
    // The first instance applies and "crashes" right after persisting appliedAt (budget 0); its
    // later progress is lost, so the next instances start from that snapshot or from nothing.
    await env.rollout.advance(p, undefined, { budgetMs: 0, onProgress: (x) => void snapshots.push(x) });
    expect(snapshots[0]?.appliedAt).toBeDefined();
    expect(snapshots[0]?.completedAt).toBeUndefined();
    const generation = (await env.adminApps.readNamespacedDeployment({ name: 'shop', namespace: ns })).metadata?.generation;

    const fromNone = await drive(env.rollout, p, undefined);
    const fromOlder = await drive(env.rollout, p, snapshots[0]);
    expect(fromNone.outcome).toEqual({ kind: 'complete' });
    expect(fromOlder.outcome).toEqual({ kind: 'complete' });
    const d = await env.adminApps.readNamespacedDeployment({ name: 'shop', namespace: ns });
    expect(d.metadata?.generation).toBe(generation);
    const replicaSets = await env.adminApps.listNamespacedReplicaSet({ namespace: ns });
    expect(replicaSets.items).toHaveLength(1);
  });

  it('refuses to touch a Deployment fenced by a newer orchestrator', async () => {
    env = await kubeTestEnv('kube-rolling-fence');
    const ns = env.namespace.name;
    expect((await drive(env.rollout, plan(ns, 'r2', IMAGE_V2, { fence: 7 }))).outcome.kind).toBe('complete');
    const stale = plan(ns, 'r1', IMAGE_V1, { fence: 6 });
    const error = await env.rollout.advance(stale, undefined, { budgetMs: 1_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect(error).toMatchObject({ code: 'KUBE_FENCED', disposition: 'permanent' });
    const d = await env.adminApps.readNamespacedDeployment({ name: 'shop', namespace: ns });
    expect(d.spec?.template.spec?.containers[0]?.image).toBe(IMAGE_V2);
    expect(d.metadata?.annotations?.['portcullis.dev/fence']).toBe('7');
  });
});
