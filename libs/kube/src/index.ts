export type { KubeCluster, KubeObject, FenceOptions, WaitOptions } from './kube-cluster.port.js';
export { ClientNodeKubeCluster, loadKubeConfig } from './client-node-kube.cluster.js';
export { KubeError, toKubeError } from './kube.error.js';
export type { KubeErrorCode, KubeCallContext } from './kube.error.js';
export { rolloutStatus, isHealthy } from './rollout-status.js';
export type { RolloutStatus, RolloutFailureReason } from './rollout-status.js';
export { KubeRollout } from './kube-rollout.js';
export { smokeJobName } from './blue-green.strategy.js';
export {
  ANNOTATION_FENCE,
  ANNOTATION_RELEASE,
  ANNOTATION_ROLLED_BACK_FROM,
  FIELD_MANAGER,
  LABEL_APP,
  LABEL_MANAGED_BY,
  LABEL_SLOT,
  MANAGED_BY,
  slotName,
} from './rollout-labels.js';
export type { Slot } from './rollout-labels.js';
export { ROLLOUT_REASONS } from './rollout.types.js';
export type {
  AdvanceOptions,
  AdvanceOutcome,
  AdvanceResult,
  BlueGreenOptions,
  FinalizeResult,
  RollBackOutcome,
  RollBackResult,
  RolloutPhase,
  RolloutPlan,
  RolloutProgress,
} from './rollout.types.js';
