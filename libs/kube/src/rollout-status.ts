import type { V1Deployment } from '@kubernetes/client-node';

/** Why a rollout counts as failed. */
export type RolloutFailureReason =
  /** Our absolute deadline passed, or the controller set Progressing=False/ProgressDeadlineExceeded. */
  | 'ProgressDeadlineExceeded'
  /** The deadline passed while the controller reported ReplicaFailure (quota, admission, ...). */
  | 'ReplicaFailure'
  /** The Deployment was deleted while we watched it (reported by the strategies). */
  | 'DeploymentMissing';

export type RolloutStatus =
  | { kind: 'progressing'; message: string }
  | { kind: 'complete'; message: string }
  | { kind: 'failed'; reason: RolloutFailureReason; message: string };

/**
 * Judges a Deployment's rollout like `kubectl rollout status`: the controller must have observed
 * the current generation, all replicas must be updated, old ones gone, and the updated ones
 * available. A rollout still progressing at `deadlineAt` (epoch ms), or one the controller marked
 * ProgressDeadlineExceeded, has failed.
 */
export function rolloutStatus(deployment: V1Deployment, clock: { deadlineAt: number; now: number }): RolloutStatus {
  const name = deployment.metadata?.name ?? 'deployment';
  const status = deployment.status ?? {};
  const conditions = status.conditions ?? [];
  const progressing = conditions.find((c) => c.type === 'Progressing');
  const replicaFailure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  const observed = (deployment.metadata?.generation ?? 0) <= (status.observedGeneration ?? -1);

  let waiting: string | undefined;
  if (!observed) {
    waiting = `waiting for the controller to observe generation ${deployment.metadata?.generation ?? '?'} of ${name}`;
  } else {
    if (progressing?.reason === 'ProgressDeadlineExceeded') {
      return { kind: 'failed', reason: 'ProgressDeadlineExceeded', message: `${name}: ${progressing.message ?? 'progress deadline exceeded'}` };
    }
    const desired = deployment.spec?.replicas ?? 1;
    const updated = status.updatedReplicas ?? 0;
    const total = status.replicas ?? 0;
    const available = status.availableReplicas ?? 0;
    const ready = status.readyReplicas ?? 0;
    if (updated < desired) waiting = `${name}: ${updated} of ${desired} replicas updated`;
    else if (total > updated) waiting = `${name}: ${total - updated} old replicas pending termination`;
    else if (available < updated || ready < updated) waiting = `${name}: ${Math.min(available, ready)} of ${updated} updated replicas available`;
  }
  if (waiting === undefined) return { kind: 'complete', message: `${name} rolled out` };
  if (clock.now >= clock.deadlineAt) {
    if (replicaFailure) return { kind: 'failed', reason: 'ReplicaFailure', message: `${name}: ${replicaFailure.message ?? 'replica failure'} (${waiting})` };
    return { kind: 'failed', reason: 'ProgressDeadlineExceeded', message: `${name}: deadline passed, ${waiting}` };
  }
  return { kind: 'progressing', message: waiting };
}

/** True while every desired pod of the Deployment is Ready (used to watch a slot after the switch). */
export function isHealthy(deployment: V1Deployment): boolean {
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  return (status.readyReplicas ?? 0) >= desired && (status.availableReplicas ?? 0) >= desired;
}
