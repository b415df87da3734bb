import { afterEach, describe, expect, it } from 'vitest';
import { expectEventually } from '@portcullis/testing';
import { deployment, drive, IMAGE_V1, IMAGE_V2, kubeTestEnv, service, type KubeTestEnv } from '../test/kube-fixtures.js';
import type { BlueGreenOptions, RolloutPlan, RolloutProgress } from './rollout.types.js';

const SMOKE_IMAGE = 'registry.example.com/acme/smoke@sha256:' + '3'.repeat(64);

describe('blue-green strategy on the local control plane (as the deploy-orchestrator ServiceAccount)', () => {
  let env: KubeTestEnv | undefined;
  afterEach(async () => {
    await env?.namespace.delete();
    env = undefined;
  });

  const plan = (ns: string, releaseId: string, image: string, bg: Partial<BlueGreenOptions> = {}, neverReady = false): RolloutPlan => ({
    app: 'shop',
    namespace: ns,
    releaseId,
    fence: 1,
    objects: [deployment('shop', { image, neverReady }), service('shop', 'shop')],
    strategy: 'blue-green',
    progressDeadlineMs: 3_000,
    blueGreen: { service: 'shop', scaleDownDelayMs: 1_500, autoPromoteAfterMs: 0, ...bg },
  });

  const liveSlot = async (ns: string): Promise<string | undefined> =>
    (await env!.adminCore.readNamespacedService({ name: 'shop', namespace: ns })).spec?.selector?.['portcullis.dev/slot'];
  const replicas = async (ns: string, name: string): Promise<number | undefined> =>
    (await env!.adminApps.readNamespacedDeployment({ name, namespace: ns })).spec?.replicas;

  it('first release: creates the blue slot and points the live Service at it', async () => {
    env = await kubeTestEnv('kube-bg-first');
    const ns = env.namespace.name;
    const result = await drive(env.rollout, plan(ns, 'r1', IMAGE_V1));
    expect(result.outcome).toEqual({ kind: 'complete' });
    expect(result.progress).toMatchObject({ slot: 'blue', phase: 'complete' });
    expect(result.progress.previousSlot).toBeUndefined();
    expect(await liveSlot(ns)).toBe('blue');
    const blue = await env.adminApps.readNamespacedDeployment({ name: 'shop-blue', namespace: ns });
    expect(blue.status?.readyReplicas).toBe(2);
    expect(blue.spec?.selector.matchLabels).toEqual({ app: 'shop', 'portcullis.dev/slot': 'blue' });
  });

  it('switches the live selector to the new slot once Ready and smoke-tested, and scales the old slot down after the window', async () => {
    env = await kubeTestEnv('kube-bg-ok');
    const ns = env.namespace.name;
    await drive(env.rollout, plan(ns, 'r1', IMAGE_V1));
    const p2 = plan(ns, 'r2', IMAGE_V2, { smoke: { image: SMOKE_IMAGE, command: ['/smoke'], timeoutMs: 10_000 } });
    const result = await drive(env.rollout, p2);
    expect(result.outcome).toEqual({ kind: 'complete' });
    const progress = result.progress;
    expect(progress).toMatchObject({ slot: 'green', previousSlot: 'blue', previousReleaseId: 'r1' });
    expect(progress.smokePassedAt).toBeDefined();
    console.info(`blue-green: switch latency ${(progress.switchedAt ?? 0) - (progress.switchDecidedAt ?? 0)} ms after the decision`);
    expect(await liveSlot(ns)).toBe('green');
    const preview = await env.adminCore.readNamespacedService({ name: 'shop-preview', namespace: ns });
    expect(preview.spec?.selector).toEqual({ app: 'shop', 'portcullis.dev/slot': 'green' });

    const early = await env.rollout.finalize(p2, progress, (progress.scaleDownAt ?? 0) - 1);
    expect(early.outcome.kind).toBe('wait');
    expect(await replicas(ns, 'shop-blue')).toBe(2);
    const finalized = await env.rollout.finalize(p2, progress, progress.scaleDownAt ?? 0);
    expect(finalized.outcome).toEqual({ kind: 'complete' });
    expect(await replicas(ns, 'shop-blue')).toBe(0);
    expect(await replicas(ns, 'shop-green')).toBe(2);
    expect(await liveSlot(ns)).toBe('green');
  });

  it('without auto-promotion, waits for promotion with the new slot Ready and live untouched, then switches once promoted', async () => {
    env = await kubeTestEnv('kube-bg-promote');
    const ns = env.namespace.name;
    await drive(env.rollout, plan(ns, 'r1', IMAGE_V1));
    const p2 = plan(ns, 'r2', IMAGE_V2, { autoPromoteAfterMs: undefined });

    let step = await env.rollout.advance(p2, undefined, { budgetMs: 2_000 });
    for (let i = 0; i < 20 && step.progress.phase !== 'awaiting-promotion' && step.outcome.kind === 'wait'; i++) {
      step = await env.rollout.advance(p2, step.progress, { budgetMs: 1_000 });
    }
    expect(step.outcome.kind).toBe('wait');
    expect(step.progress).toMatchObject({ phase: 'awaiting-promotion', slot: 'green' });
    expect(await liveSlot(ns)).toBe('blue');

    const promoted = await drive(env.rollout, p2, { ...step.progress, promoteRequested: true });
    expect(promoted.outcome).toEqual({ kind: 'complete' });
    expect(await liveSlot(ns)).toBe('green');
  });

  it('a new slot that never becomes Ready fails before the switch: live untouched, new slot scaled to 0', async () => {
    env = await kubeTestEnv('kube-bg-unready');
    const ns = env.namespace.name;
    await drive(env.rollout, plan(ns, 'r1', IMAGE_V1));
    const result = await drive(env.rollout, plan(ns, 'r2', IMAGE_V2, {}, true));
    expect(result.outcome).toMatchObject({ kind: 'failed', reason: 'ProgressDeadlineExceeded' });
    expect(result.progress.switchedAt).toBeUndefined();
    expect(await liveSlot(ns)).toBe('blue');
    expect(await replicas(ns, 'shop-green')).toBe(0);
    expect(await replicas(ns, 'shop-blue')).toBe(2);
  });

  it('a failing smoke Job fails the release before the switch', async () => {
    env = await kubeTestEnv('kube-bg-smoke');
    const ns = env.namespace.name;
    await drive(env.rollout, plan(ns, 'r1', IMAGE_V1));
    const smoke = { image: SMOKE_IMAGE, command: ['/smoke'], timeoutMs: 10_000, podLabels: { 'portcullis.dev/kwok-fail': 'true' } };
    const result = await drive(env.rollout, plan(ns, 'r2', IMAGE_V2, { smoke }));
    expect(result.outcome).toMatchObject({ kind: 'failed', reason: 'SmokeFailed' });
    expect(await liveSlot(ns)).toBe('blue');
    expect(await replicas(ns, 'shop-green')).toBe(0);
  });

  it('switches back at once when the new slot loses readiness inside the window', async () => {
    env = await kubeTestEnv('kube-bg-back');
    const ns = env.namespace.name;
    await drive(env.rollout, plan(ns, 'r1', IMAGE_V1));
    const p2 = plan(ns, 'r2', IMAGE_V2, { scaleDownDelayMs: 30_000 });
    const running = drive(env.rollout, p2, undefined, { budgetMs: 30_000 });
    await expectEventually(async () => expect(await liveSlot(ns)).toBe('green'));
    // Break the green slot as a bad config push would: all its pods replaced by never-Ready ones.
    // (client-node sends a body array as application/json-patch+json)
    await env.adminApps.patchNamespacedDeployment({
      name: 'shop-green',
      namespace: ns,
      body: [
        { op: 'replace', path: '/spec/strategy', value: { type: 'Recreate' } },
        { op: 'add', path: '/spec/template/metadata/labels/portcullis.dev~1kwok-never-ready', value: 'true' },
      ],
    });
    const result = await running;
    expect(result.outcome).toMatchObject({ kind: 'failed', reason: 'UnhealthyAfterSwitch' });
    const progress = result.progress;
    console.info(`blue-green: failure detected → traffic restored in ${(progress.restoredAt ?? 0) - (progress.failedAt ?? 0)} ms`);
    expect(progress.restoredReleaseId).toBe('r1');
    expect(await liveSlot(ns)).toBe('blue');
    expect(await replicas(ns, 'shop-green')).toBe(0);
    const rolledBack = await env.rollout.rollBack(p2, progress, 'UnhealthyAfterSwitch');
    expect(rolledBack.outcome).toEqual({ kind: 'rolled-back', restoredReleaseId: 'r1' });
    expect(await liveSlot(ns)).toBe('blue');
  });

  it('resumes after a crash from an older progress or none, never deploying into the live slot', async () => {
    env = await kubeTestEnv('kube-bg-resume');
    const ns = env.namespace.name;
    await drive(env.rollout, plan(ns, 'r1', IMAGE_V1));
    const p2 = plan(ns, 'r2', IMAGE_V2, { scaleDownDelayMs: 500 });
    const snapshots: RolloutProgress[] = [];
    const done = await drive(env.rollout, p2, undefined, { onProgress: (x) => void snapshots.push(x) });
    expect(done.outcome).toEqual({ kind: 'complete' });
    const beforeSwitch = snapshots.find((s) => s.readyAt !== undefined && s.switchedAt === undefined);
    expect(beforeSwitch).toBeDefined();

    for (const older of [beforeSwitch, undefined]) {
      const again = await drive(env.rollout, p2, older);
      expect(again.outcome).toEqual({ kind: 'complete' });
      expect(again.progress).toMatchObject({ slot: 'green', previousSlot: 'blue' });
    }
    expect(await liveSlot(ns)).toBe('green');
    const blue = await env.adminApps.readNamespacedDeployment({ name: 'shop-blue', namespace: ns });
    expect(blue.metadata?.annotations?.['portcullis.dev/release']).toBe('r1');
  });
});
