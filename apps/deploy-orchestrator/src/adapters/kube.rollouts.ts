import { PortcullisError } from '@portcullis/errors';
import { type KubeObject, type KubeRollout, type RolloutPlan, type RolloutProgress } from '@portcullis/kube';
import { type RolloutRequest, type RollbackStep, type Rollouts, type RolloutStep } from '../release/reconcile.ports.js';

/**
 * The Rollouts port on libs/kube: one KubeRollout per configured cluster name. The repository
 * names a cluster (`cluster: default`); it can only pick among the operator's.
 */
export class KubeRollouts implements Rollouts {
  constructor(private readonly clusters: ReadonlyMap<string, KubeRollout>) {}

  async advance(request: RolloutRequest, progress: unknown, options: { budgetMs: number; signal: AbortSignal; promote: boolean }): Promise<RolloutStep> {
    const current = progress as RolloutProgress | undefined;
    const resumed = current && options.promote ? { ...current, promoteRequested: true } : current;
    const { progress: next, outcome } = await this.#cluster(request).advance(planOf(request), resumed, { budgetMs: options.budgetMs, signal: options.signal });
    switch (outcome.kind) {
      case 'wait':
        return { kind: 'wait', retryAfterMs: outcome.retryAfterMs, progress: next };
      case 'complete':
        return { kind: 'complete', progress: next, finalizeAt: next.scaleDownAt === undefined || next.scaledDownAt !== undefined ? undefined : new Date(next.scaleDownAt).toISOString() };
      default:
        return { kind: 'failed', reason: outcome.reason, message: outcome.message, progress: next };
    }
  }

  async rollBack(request: RolloutRequest, progress: unknown, reason: string): Promise<RollbackStep> {
    const { progress: next, outcome } = await this.#cluster(request).rollBack(planOf(request), progressOf(request, progress), reason);
    return outcome.kind === 'rolled-back' ? { kind: 'rolled-back', restoredReleaseId: outcome.restoredReleaseId, progress: next } : { kind: 'nothing-to-restore', progress: next };
  }

  async finalize(request: RolloutRequest, progress: unknown): Promise<unknown> {
    return (await this.#cluster(request).finalize(planOf(request), progressOf(request, progress))).progress;
  }

  #cluster(request: RolloutRequest): KubeRollout {
    const cluster = this.clusters.get(request.cluster);
    if (!cluster) {
      throw new PortcullisError({
        code: 'CLUSTER_NOT_CONFIGURED',
        disposition: 'permanent',
        message: `environment ${request.env.name} names cluster "${request.cluster}", which this orchestrator does not know (configured: ${[...this.clusters.keys()].join(', ')})`,
      });
    }
    return cluster;
  }
}

/** A manual rollback may come before the strategy saved any progress. */
function progressOf(request: RolloutRequest, progress: unknown): RolloutProgress {
  return (progress as RolloutProgress | undefined) ?? { releaseId: request.releaseId, strategy: request.env.strategy, phase: 'failed' };
}

function planOf(request: RolloutRequest): RolloutPlan {
  const { env } = request;
  const blueGreen = env.blueGreen;
  return {
    app: request.app,
    namespace: env.namespace,
    releaseId: request.releaseId,
    fence: request.fence,
    // The rendered manifests carry apiVersion, kind and metadata.name (libs/manifests checked them).
    objects: [...request.objects] as KubeObject[],
    strategy: env.strategy,
    progressDeadlineMs: env.progressDeadlineSeconds * 1000,
    ...(request.lastGoodReleaseId ? { lastGoodReleaseId: request.lastGoodReleaseId } : {}),
    ...(blueGreen
      ? {
          blueGreen: {
            service: blueGreen.service,
            scaleDownDelayMs: blueGreen.scaleDownDelaySeconds * 1000,
            // Absent in the repository means "switch as soon as ready"; libs/kube reads absent as "wait for promote".
            autoPromoteAfterMs: (blueGreen.autoPromoteSeconds ?? 0) * 1000,
            ...(blueGreen.smoke ? { smoke: { image: blueGreen.smoke.image, command: blueGreen.smoke.command, timeoutMs: blueGreen.smoke.timeoutSeconds * 1000 } } : {}),
          },
        }
      : {}),
  };
}
