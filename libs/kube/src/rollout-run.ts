import type { V1Deployment } from '@kubernetes/client-node';
import type { KubeCluster, KubeObject } from './kube-cluster.port.js';
import { KubeError } from './kube.error.js';
import { stamp } from './rollout-labels.js';
import { rolloutStatus, type RolloutStatus } from './rollout-status.js';
import type { AdvanceOptions, AdvanceResult, RolloutPlan, RolloutProgress } from './rollout.types.js';

/** Budget, clock and persistence of one `advance` call, shared by both strategies. */
export class RolloutRun {
  readonly now: () => number;
  private readonly startedAt: number;

  constructor(
    readonly plan: RolloutPlan,
    public progress: RolloutProgress,
    private readonly options: AdvanceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  get signal(): AbortSignal | undefined {
    return this.options.signal;
  }

  /** Milliseconds of the call's budget left (0 when spent or aborted). */
  remaining(): number {
    if (this.options.signal?.aborted) return 0;
    return Math.max(0, this.options.budgetMs - (this.now() - this.startedAt));
  }

  async save(patch: Partial<RolloutProgress>): Promise<void> {
    this.progress = { ...this.progress, ...patch };
    await this.options.onProgress?.(this.progress);
  }

  wait(retryAfterMs: number): AdvanceResult {
    return { progress: this.progress, outcome: { kind: 'wait', retryAfterMs: Math.max(0, Math.min(retryAfterMs, 5_000)) } };
  }

  async fail(reason: string, message: string, patch: Partial<RolloutProgress> = {}): Promise<AdvanceResult> {
    await this.save({ phase: 'failed', failedAt: this.progress.failedAt ?? this.now(), failureReason: reason, failureMessage: message, ...patch });
    return { progress: this.progress, outcome: { kind: 'failed', reason, message } };
  }
}

/** A fresh progress unless `prior` belongs to this release. */
export function startProgress(plan: RolloutPlan, prior: RolloutProgress | undefined): RolloutProgress {
  if (prior && prior.releaseId === plan.releaseId && prior.strategy === plan.strategy) return { ...prior };
  return { releaseId: plan.releaseId, strategy: plan.strategy, phase: 'progressing' };
}

/** The outcome a terminal progress stands for, so a repeated `advance` after the end is a no-op. */
export function terminalResult(progress: RolloutProgress): AdvanceResult | undefined {
  switch (progress.phase) {
    case 'complete':
      return { progress, outcome: { kind: 'complete' } };
    case 'failed':
    case 'rolled-back':
      return { progress, outcome: { kind: 'failed', reason: progress.failureReason ?? 'Failed', message: progress.failureMessage ?? 'rollout failed' } };
    default:
      return undefined;
  }
}

export function deploymentsOf(plan: RolloutPlan): KubeObject[] {
  return plan.objects.filter((o) => o.kind === 'Deployment');
}

/** Objects stamped with the release labels/annotations, in apply order (config before workloads). */
export function stamped(plan: RolloutPlan, objects: KubeObject[] = plan.objects): KubeObject[] {
  const order = (o: KubeObject): number => (o.kind === 'Namespace' ? 0 : o.kind === 'Deployment' ? 2 : o.kind === 'Service' ? 3 : 1);
  return objects.map((o) => stamp(o, plan)).sort((a, b) => order(a) - order(b));
}

export function requireDeployments(plan: RolloutPlan): KubeObject[] {
  const deployments = deploymentsOf(plan);
  if (deployments.length === 0) throw new KubeError('KUBE_INVALID', `Release ${plan.releaseId} of ${plan.app} has no Deployment to roll out`);
  return deployments;
}

/**
 * Waits (within the run's budget) until each Deployment's rollout is complete or failed.
 * Returns the first failure, `progressing` when the budget ran out, or `complete`.
 */
export async function awaitRollout(cluster: KubeCluster, run: RolloutRun, names: string[], deadlineAt: number): Promise<RolloutStatus> {
  const { namespace } = run.plan;
  let last: RolloutStatus = { kind: 'complete', message: 'no deployments' };
  for (const name of names) {
    const judge = (d: V1Deployment): RolloutStatus => rolloutStatus(d, { deadlineAt, now: run.now() });
    const timeoutMs = Math.min(run.remaining(), Math.max(0, deadlineAt - run.now()) + 50);
    const deployment = await cluster.waitForDeployment(namespace, name, (d) => judge(d).kind !== 'progressing', { timeoutMs, signal: run.signal });
    if (!deployment) return { kind: 'failed', reason: 'DeploymentMissing', message: `Deployment ${name} disappeared during the rollout` };
    last = judge(deployment);
    if (last.kind !== 'complete') return last;
  }
  return last;
}
