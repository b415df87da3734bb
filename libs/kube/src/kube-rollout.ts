import type { KubeCluster } from './kube-cluster.port.js';
import { BlueGreenStrategy } from './blue-green.strategy.js';
import { RollingStrategy } from './rolling.strategy.js';
import type { AdvanceOptions, AdvanceResult, FinalizeResult, RollBackResult, RolloutPlan, RolloutProgress } from './rollout.types.js';

/**
 * The rollout step machine the orchestrator drives: `advance` until `complete` or `failed`
 * (persisting `progress` between calls), `rollBack` after a failure or on request, `finalize`
 * after completion. Every call re-observes the cluster, so any persisted progress — or none,
 * after a crash — is a valid place to resume from, on any instance.
 */
export class KubeRollout {
  private readonly rolling: RollingStrategy;
  private readonly blueGreen: BlueGreenStrategy;

  constructor(cluster: KubeCluster) {
    this.rolling = new RollingStrategy(cluster);
    this.blueGreen = new BlueGreenStrategy(cluster);
  }

  /**
   * One bounded step: applies what is missing, then watches for at most `budgetMs`. Blue-green
   * switches traffic back inside this call when the new slot fails after the switch.
   */
  advance(plan: RolloutPlan, progress: RolloutProgress | undefined, options: AdvanceOptions): Promise<AdvanceResult> {
    return plan.strategy === 'rolling' ? this.rolling.advance(plan, progress, options) : this.blueGreen.advance(plan, progress, options);
  }

  /**
   * Restores the previous version: rolling puts back the pod template of the ReplicaSet of
   * `plan.lastGoodReleaseId`; blue-green points the live Service at the previous slot (scaling it
   * up first if the window had passed) and scales the new slot to 0. Idempotent.
   */
  rollBack(plan: RolloutPlan, progress: RolloutProgress, reason: string, now: () => number = Date.now): Promise<RollBackResult> {
    return plan.strategy === 'rolling' ? this.rolling.rollBack(plan, progress, reason, now) : this.blueGreen.rollBack(plan, progress, reason, now);
  }

  /** Blue-green: scales the old slot to 0 once `scaleDownAt` passed (`wait` before). Idempotent; a no-op for rolling. */
  finalize(plan: RolloutPlan, progress: RolloutProgress, now: number = Date.now()): Promise<FinalizeResult> {
    return plan.strategy === 'rolling' ? this.rolling.finalize(plan, progress) : this.blueGreen.finalize(plan, progress, now);
  }
}
