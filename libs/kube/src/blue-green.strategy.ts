import { createHash } from 'node:crypto';
import type { V1Deployment, V1Job } from '@kubernetes/client-node';
import type { KubeCluster, KubeObject } from './kube-cluster.port.js';
import { KubeError } from './kube.error.js';
import { fenceFor, LABEL_APP, LABEL_MANAGED_BY, LABEL_SLOT, MANAGED_BY, isSlot, otherSlot, releaseOf, serviceForSlot, slotName, stamp, toSlot, type Slot } from './rollout-labels.js';
import { isHealthy } from './rollout-status.js';
import { awaitRollout, RolloutRun, requireDeployments, stamped, startProgress, terminalResult } from './rollout-run.js';
import {
  ROLLOUT_REASONS,
  type AdvanceOptions,
  type AdvanceResult,
  type BlueGreenOptions,
  type FinalizeResult,
  type RollBackResult,
  type RolloutPlan,
  type RolloutProgress,
} from './rollout.types.js';

/** Where the app stands on the cluster, derived from the live Service and the slot Deployments. */
interface Topology {
  slot: Slot;
  previousSlot?: Slot;
  previousReleaseId?: string;
  /** The live Service already selects `slot` (switched, or the first release). */
  live: boolean;
}

/**
 * Blue-green: the new release runs in the idle slot beside the live one, behind a preview Service;
 * once Ready (and smoke-tested, and promoted) the live Service's selector switches to it. The old
 * slot stays scaled up until `scaleDownAt` so a failure in that window switches straight back.
 */
export class BlueGreenStrategy {
  constructor(private readonly cluster: KubeCluster) {}

  async advance(plan: RolloutPlan, prior: RolloutProgress | undefined, options: AdvanceOptions): Promise<AdvanceResult> {
    const bg = optionsOf(plan);
    const run = new RolloutRun(plan, startProgress(plan, prior), options);
    const done = terminalResult(run.progress);
    if (done) return done;
    const deployments = requireDeployments(plan);
    const liveService = liveServiceOf(plan, bg);

    const topology = await this.observe(plan, run.progress);
    if (run.progress.slot !== topology.slot || run.progress.previousSlot !== topology.previousSlot) {
      await run.save({ slot: topology.slot, previousSlot: topology.previousSlot, previousReleaseId: topology.previousReleaseId });
    }
    const { slot, previousSlot } = topology;
    const slotNames = deployments.map((d) => slotName(d.metadata.name, slot));

    if (previousSlot === undefined) return this.firstRelease(run, deployments, liveService, slot, slotNames);

    if (!topology.live) {
      if (run.progress.appliedAt === undefined || !(await this.slotCarriesRelease(plan, slotNames))) {
        const applyStartedAt = run.progress.applyStartedAt ?? run.now();
        for (const object of this.releaseObjects(plan, bg, deployments, liveService, slot, previousSlot)) {
          await this.cluster.apply(object, fenceFor(object, plan.fence));
        }
        await run.save({ phase: 'progressing', applyStartedAt, appliedAt: run.progress.appliedAt ?? run.now() });
      }
      if (run.progress.readyAt === undefined) {
        const deadlineAt = (run.progress.appliedAt ?? run.now()) + plan.progressDeadlineMs;
        const status = await awaitRollout(this.cluster, run, slotNames, deadlineAt);
        if (status.kind === 'failed') return this.failBeforeSwitch(run, slotNames, status.reason, status.message);
        if (status.kind === 'progressing') return run.wait(1_000);
        await run.save({ readyAt: run.now() });
      }
      if (bg.smoke && run.progress.smokePassedAt === undefined) {
        const smoke = await this.smoke(run, bg, slot);
        if (smoke) return smoke.kind === 'failed' ? this.failBeforeSwitch(run, slotNames, smoke.reason, smoke.message) : run.wait(smoke.retryAfterMs);
      }
      const promoted = await this.awaitPromotion(run, bg, slotNames);
      if (promoted !== true) return promoted;
      await run.save({ switchDecidedAt: run.now() });
      await this.pointLiveService(plan, liveService, slot);
      const switchedAt = run.now();
      await run.save({ phase: 'switched', switchedAt, scaleDownAt: switchedAt + bg.scaleDownDelayMs });
    } else if (run.progress.switchedAt === undefined) {
      // Crashed after the switch but before saving it: the window starts now (conservatively late).
      const at = run.now();
      await run.save({ phase: 'switched', readyAt: run.progress.readyAt ?? at, switchedAt: at, scaleDownAt: at + bg.scaleDownDelayMs });
    }

    // The window: the old slot still runs; any new pod losing readiness switches traffic back.
    const scaleDownAt = run.progress.scaleDownAt ?? run.now();
    while (run.now() < scaleDownAt) {
      const timeoutMs = Math.min(run.remaining(), scaleDownAt - run.now());
      if (timeoutMs <= 0) return run.wait(Math.min(1_000, scaleDownAt - run.now()));
      const unhealthy = await this.firstUnhealthy(plan.namespace, slotNames, timeoutMs, run.signal);
      if (unhealthy) {
        const failedAt = run.now();
        await run.save({ failedAt });
        await this.pointLiveService(plan, liveService, previousSlot);
        const restoredAt = run.now();
        await run.save({ restoredAt, restoredReleaseId: run.progress.previousReleaseId });
        await this.scaleSlot(plan, slotNames, 0);
        return run.fail(ROLLOUT_REASONS.UnhealthyAfterSwitch, `${unhealthy} lost readiness ${failedAt - (run.progress.switchedAt ?? failedAt)} ms after the switch; traffic switched back to ${previousSlot}`);
      }
    }
    await run.save({ phase: 'complete', completedAt: run.now() });
    return { progress: run.progress, outcome: { kind: 'complete' } };
  }

  async rollBack(plan: RolloutPlan, progress: RolloutProgress, reason: string, now: () => number = Date.now): Promise<RollBackResult> {
    const bg = optionsOf(plan);
    if (progress.phase === 'rolled-back') {
      return { progress, outcome: { kind: 'rolled-back', ...(progress.restoredReleaseId ? { restoredReleaseId: progress.restoredReleaseId } : {}) } };
    }
    const deployments = requireDeployments(plan);
    const topology = await this.observe(plan, progress);
    if (topology.previousSlot === undefined) return { progress, outcome: { kind: 'nothing-to-restore' } };
    const previousNames = deployments.map((d) => slotName(d.metadata.name, topology.previousSlot as Slot));
    const slotNames = deployments.map((d) => slotName(d.metadata.name, topology.slot));
    let restoredAt = progress.restoredAt;
    if (topology.live) {
      // After the window the old slot is at 0: bring it back before sending traffic to it.
      await this.restoreReplicas(plan, deployments, previousNames);
      await this.pointLiveService(plan, liveServiceOf(plan, bg), topology.previousSlot);
      restoredAt = now();
    }
    await this.scaleSlot(plan, slotNames, 0);
    const at = now();
    const next: RolloutProgress = {
      ...progress,
      phase: 'rolled-back',
      failedAt: progress.failedAt ?? at,
      failureReason: progress.failureReason ?? reason,
      restoredAt: restoredAt ?? at,
      restoredReleaseId: topology.previousReleaseId,
      slot: topology.slot,
      previousSlot: topology.previousSlot,
    };
    return { progress: next, outcome: { kind: 'rolled-back', ...(topology.previousReleaseId ? { restoredReleaseId: topology.previousReleaseId } : {}) } };
  }

  async finalize(plan: RolloutPlan, progress: RolloutProgress, now: number): Promise<FinalizeResult> {
    if (progress.scaledDownAt !== undefined || progress.previousSlot === undefined || progress.phase !== 'complete') {
      return { progress, outcome: { kind: 'complete' } };
    }
    if (progress.scaleDownAt !== undefined && now < progress.scaleDownAt) {
      return { progress, outcome: { kind: 'wait', retryAfterMs: progress.scaleDownAt - now } };
    }
    const previous = progress.previousSlot;
    await this.scaleSlot(
      plan,
      requireDeployments(plan).map((d) => slotName(d.metadata.name, previous)),
      0,
    );
    if (progress.smokeJob) await this.cluster.deleteJob(plan.namespace, progress.smokeJob);
    return { progress: { ...progress, scaledDownAt: now }, outcome: { kind: 'complete' } };
  }

  /** First release of the app: one slot, pointed at by the live Service straight away. */
  private async firstRelease(run: RolloutRun, deployments: KubeObject[], liveService: KubeObject, slot: Slot, slotNames: string[]): Promise<AdvanceResult> {
    const { plan } = run;
    if (run.progress.appliedAt === undefined || !(await this.slotCarriesRelease(plan, slotNames))) {
      const others = stamped(plan, plan.objects.filter((o) => o.kind !== 'Deployment' && o !== liveService));
      const workloads = deployments.map((d) => toSlot(stamp(d, plan), slot));
      const applyStartedAt = run.progress.applyStartedAt ?? run.now();
      for (const object of [...others, ...workloads, serviceForSlot(stamp(liveService, plan), slot)]) await this.cluster.apply(object, fenceFor(object, plan.fence));
      const at = run.now();
      await run.save({ phase: 'progressing', applyStartedAt, appliedAt: run.progress.appliedAt ?? at, switchedAt: run.progress.switchedAt ?? at });
    }
    const deadlineAt = (run.progress.appliedAt ?? run.now()) + plan.progressDeadlineMs;
    const status = await awaitRollout(this.cluster, run, slotNames, deadlineAt);
    if (status.kind === 'failed') return this.failBeforeSwitch(run, slotNames, status.reason, status.message);
    if (status.kind === 'progressing') return run.wait(1_000);
    const at = run.now();
    await run.save({ phase: 'complete', readyAt: run.progress.readyAt ?? at, completedAt: at });
    return { progress: run.progress, outcome: { kind: 'complete' } };
  }

  /** Config objects, the new slot's Deployments, the preview Service, and the live Service (still on the old slot). */
  private releaseObjects(plan: RolloutPlan, bg: BlueGreenOptions, deployments: KubeObject[], liveService: KubeObject, slot: Slot, previousSlot: Slot): KubeObject[] {
    const others = stamped(plan, plan.objects.filter((o) => o.kind !== 'Deployment' && o !== liveService));
    const workloads = deployments.map((d) => toSlot(stamp(d, plan), slot));
    const live = stamp(liveService, plan);
    return [...others, ...workloads, serviceForSlot(live, slot, `${bg.service}-preview`), serviceForSlot(live, previousSlot)];
  }

  private async observe(plan: RolloutPlan, progress: RolloutProgress): Promise<Topology> {
    const bg = optionsOf(plan);
    const first = requireDeployments(plan)[0] as KubeObject;
    const service = await this.cluster.getService(plan.namespace, bg.service);
    const liveSlot = service?.spec?.selector?.[LABEL_SLOT];
    if (!isSlot(liveSlot)) {
      if (service === undefined || progress.previousSlot === undefined) return { slot: progress.slot ?? 'blue', live: false };
      // The live Service lost its slot selector (edited by hand): treat the recorded previous slot as live.
      return { slot: otherSlot(progress.previousSlot), previousSlot: progress.previousSlot, previousReleaseId: progress.previousReleaseId, live: false };
    }
    const liveDeployment = await this.cluster.getDeployment(plan.namespace, slotName(first.metadata.name, liveSlot));
    const other = otherSlot(liveSlot);
    if (releaseOf(liveDeployment) === plan.releaseId) {
      // This release is live already: either its first deploy, or it switched before a crash.
      if (progress.slot === liveSlot && progress.appliedAt !== undefined && progress.previousSlot === undefined) return { slot: liveSlot, live: true };
      const otherDeployment = await this.cluster.getDeployment(plan.namespace, slotName(first.metadata.name, other));
      if (!otherDeployment) return { slot: liveSlot, live: true };
      return { slot: liveSlot, previousSlot: other, previousReleaseId: progress.previousReleaseId ?? releaseOf(otherDeployment), live: true };
    }
    return { slot: other, previousSlot: liveSlot, previousReleaseId: releaseOf(liveDeployment), live: false };
  }

  private async slotCarriesRelease(plan: RolloutPlan, names: string[]): Promise<boolean> {
    const found = await Promise.all(names.map((name) => this.cluster.getDeployment(plan.namespace, name)));
    return found.every((d) => releaseOf(d) === plan.releaseId && (d?.spec?.replicas ?? 1) > 0);
  }

  private async failBeforeSwitch(run: RolloutRun, slotNames: string[], reason: string, message: string): Promise<AdvanceResult> {
    await run.save({ failedAt: run.progress.failedAt ?? run.now() });
    await this.scaleSlot(run.plan, slotNames, 0);
    return run.fail(reason, `${message}; live Service untouched, new slot scaled to 0`);
  }

  /** Runs the smoke Job; `undefined` once it passed, a failure, or a wait while it runs. */
  private async smoke(run: RolloutRun, bg: BlueGreenOptions, slot: Slot): Promise<{ kind: 'failed'; reason: string; message: string } | { kind: 'wait'; retryAfterMs: number } | undefined> {
    const smoke = bg.smoke;
    if (!smoke) return undefined;
    const { plan } = run;
    const name = smokeJobName(plan);
    if (run.progress.smokeStartedAt === undefined || (await this.cluster.getJob(plan.namespace, name)) === undefined) {
      await this.cluster.createJob(smokeJob(plan, bg, slot, name));
      await run.save({ phase: 'smoke', smokeJob: name, smokeStartedAt: run.progress.smokeStartedAt ?? run.now() });
    }
    const deadlineAt = (run.progress.smokeStartedAt ?? run.now()) + smoke.timeoutMs;
    const timeoutMs = Math.min(run.remaining(), Math.max(0, deadlineAt - run.now()));
    const job = await this.cluster.waitForJob(plan.namespace, name, (j) => jobResult(j) !== undefined, { timeoutMs, signal: run.signal });
    const result = job ? jobResult(job) : 'failed';
    if (result === 'succeeded') {
      await run.save({ smokePassedAt: run.now() });
      return undefined;
    }
    if (result === 'failed') return { kind: 'failed', reason: ROLLOUT_REASONS.SmokeFailed, message: `smoke Job ${name} failed` };
    if (run.now() >= deadlineAt) return { kind: 'failed', reason: ROLLOUT_REASONS.SmokeTimeout, message: `smoke Job ${name} did not finish within ${smoke.timeoutMs} ms` };
    return { kind: 'wait', retryAfterMs: 1_000 };
  }

  /** `true` when the switch may happen now; otherwise the result to return (wait, or failure of the preview). */
  private async awaitPromotion(run: RolloutRun, bg: BlueGreenOptions, slotNames: string[]): Promise<true | AdvanceResult> {
    for (;;) {
      if (run.progress.promoteRequested) return true;
      const readySince = run.progress.smokePassedAt ?? run.progress.readyAt ?? run.now();
      const promoteAt = bg.autoPromoteAfterMs === undefined ? Number.POSITIVE_INFINITY : readySince + bg.autoPromoteAfterMs;
      if (run.now() >= promoteAt) return true;
      if (run.progress.phase !== 'awaiting-promotion') await run.save({ phase: 'awaiting-promotion' });
      const timeoutMs = Math.min(run.remaining(), promoteAt - run.now());
      if (timeoutMs <= 0) return run.wait(Math.min(1_000, promoteAt - run.now()));
      const unhealthy = await this.firstUnhealthy(run.plan.namespace, slotNames, timeoutMs, run.signal);
      if (unhealthy) return this.failBeforeSwitch(run, slotNames, ROLLOUT_REASONS.PreviewUnhealthy, `${unhealthy} lost readiness before promotion`);
    }
  }

  /** Watches the Deployments until one is not fully Ready (its name) or the timeout passes (`undefined`). */
  private async firstUnhealthy(namespace: string, names: string[], timeoutMs: number, signal: AbortSignal | undefined): Promise<string | undefined> {
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const seen = await Promise.all(
        names.map(async (name) => {
          const d = await this.cluster.waitForDeployment(namespace, name, (x) => !isHealthy(x), { timeoutMs, signal: stop.signal });
          if (!d || !isHealthy(d)) {
            stop.abort();
            return name;
          }
          return undefined;
        }),
      );
      return seen.find((n) => n !== undefined);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async pointLiveService(plan: RolloutPlan, liveService: KubeObject, slot: Slot): Promise<void> {
    await this.cluster.apply(serviceForSlot(stamp(liveService, plan), slot), { fence: plan.fence });
  }

  private async scaleSlot(plan: RolloutPlan, names: string[], replicas: number): Promise<void> {
    for (const name of names) {
      try {
        await this.cluster.scaleDeployment(plan.namespace, name, replicas, { fence: plan.fence });
      } catch (error) {
        if (error instanceof KubeError && error.code === 'KUBE_NOT_FOUND') continue;
        throw error;
      }
    }
  }

  private async restoreReplicas(plan: RolloutPlan, deployments: KubeObject[], names: string[]): Promise<void> {
    for (const [i, name] of names.entries()) {
      const current = await this.cluster.getDeployment(plan.namespace, name);
      if (!current || (current.spec?.replicas ?? 0) > 0) continue;
      const desired = ((deployments[i]?.['spec'] as { replicas?: number } | undefined)?.replicas ?? 1) || 1;
      await this.cluster.scaleDeployment(plan.namespace, name, desired, { fence: plan.fence });
      await this.cluster.waitForDeployment(plan.namespace, name, (d: V1Deployment) => isHealthy(d), { timeoutMs: plan.progressDeadlineMs });
    }
  }
}

function optionsOf(plan: RolloutPlan): BlueGreenOptions {
  if (!plan.blueGreen) throw new KubeError('KUBE_INVALID', `Release ${plan.releaseId} of ${plan.app}: blue-green strategy without blueGreen options`);
  return plan.blueGreen;
}

function liveServiceOf(plan: RolloutPlan, bg: BlueGreenOptions): KubeObject {
  const service = plan.objects.find((o) => o.kind === 'Service' && o.metadata.name === bg.service);
  if (!service) throw new KubeError('KUBE_INVALID', `Release ${plan.releaseId} of ${plan.app}: the live Service ${bg.service} is not among the manifests`);
  return service;
}

/** Deterministic per release, so a resumed run finds the Job it started instead of starting another. */
export function smokeJobName(plan: RolloutPlan): string {
  const hash = createHash('sha256').update(plan.releaseId).digest('hex').slice(0, 10);
  return `${plan.app.slice(0, 40).replace(/-+$/, '')}-smoke-${hash}`;
}

function smokeJob(plan: RolloutPlan, bg: BlueGreenOptions, slot: Slot, name: string): V1Job {
  const smoke = bg.smoke as NonNullable<BlueGreenOptions['smoke']>;
  const labels = { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_APP]: plan.app, [LABEL_SLOT]: slot };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: plan.namespace, labels, annotations: { 'portcullis.dev/release': plan.releaseId } },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: Math.max(1, Math.ceil(smoke.timeoutMs / 1_000)),
      ttlSecondsAfterFinished: 3_600,
      template: {
        metadata: { labels: { ...labels, ...(smoke.podLabels ?? {}) } },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          containers: [
            {
              name: 'smoke',
              image: smoke.image,
              command: smoke.command,
              env: [{ name: 'PORTCULLIS_PREVIEW_SERVICE', value: `${bg.service}-preview` }],
              resources: { limits: { cpu: '200m', memory: '128Mi' } },
              securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
            },
          ],
        },
      },
    },
  };
}

function jobResult(job: V1Job): 'succeeded' | 'failed' | undefined {
  const conditions = job.status?.conditions ?? [];
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True') || (job.status?.succeeded ?? 0) > 0) return 'succeeded';
  if (conditions.some((c) => c.type === 'Failed' && c.status === 'True') || (job.status?.failed ?? 0) > 0) return 'failed';
  return undefined;
}
