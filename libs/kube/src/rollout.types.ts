import type { KubeObject } from './kube-cluster.port.js';
import type { Slot } from './rollout-labels.js';

/** What to roll out where; built by the orchestrator from the rendered, digest-pinned manifests. */
export interface RolloutPlan {
  app: string;
  namespace: string;
  releaseId: string;
  /** Fencing token of the lock holder, stored as annotation `portcullis.dev/fence`; a higher one on the cluster wins. */
  fence: number;
  /** Rendered objects, images pinned. */
  objects: KubeObject[];
  strategy: 'rolling' | 'blue-green';
  /** The rollout fails when not complete this long after the apply. */
  progressDeadlineMs: number;
  blueGreen?: BlueGreenOptions;
  /** Release to roll back to (rolling), e.g. the last succeeded release of this app/environment. */
  lastGoodReleaseId?: string;
}

export interface BlueGreenOptions {
  /** Name of the live Service among `objects`; its selector is switched. */
  service: string;
  /** The old slot stays scaled up this long after the switch, for an instant switch-back. */
  scaleDownDelayMs: number;
  /** Promote (switch) automatically this long after the new slot is Ready (and smoke passed); absent = wait for `promoteRequested`. */
  autoPromoteAfterMs?: number;
  /** A Job run before the switch; the rollout fails unless it succeeds within `timeoutMs`. */
  smoke?: {
    /** Digest-pinned image of the check. */
    image: string;
    command: string[];
    timeoutMs: number;
    /** Extra labels on the smoke pod (mesh injection, test stages). */
    podLabels?: Record<string, string>;
  };
}

export type RolloutPhase =
  | 'progressing'
  | 'smoke'
  | 'awaiting-promotion'
  | 'switched'
  | 'complete'
  | 'failed'
  | 'rolled-back';

/**
 * Persisted between steps (small JSON, epoch-ms timestamps). Any older copy, or none, is a valid
 * starting point: `advance` re-observes the cluster and continues.
 */
export interface RolloutProgress {
  releaseId: string;
  strategy: 'rolling' | 'blue-green';
  phase: RolloutPhase;
  /** Blue-green: the slot this release runs in. */
  slot?: Slot;
  /** Blue-green: the slot that was live before this release (absent on the first release). */
  previousSlot?: Slot;
  /** Blue-green: the release running in `previousSlot`. */
  previousReleaseId?: string;
  /** The first write of the release to the cluster began: the cluster's part of a rollout counts from here, as for a plain `kubectl apply`. */
  applyStartedAt?: number;
  /** Objects applied (the deadline counts from here). */
  appliedAt?: number;
  /** Every Deployment of the release was Ready. */
  readyAt?: number;
  smokeJob?: string;
  smokeStartedAt?: number;
  smokePassedAt?: number;
  /** Set by the orchestrator (promote API) to switch without waiting for `autoPromoteAfterMs`. */
  promoteRequested?: boolean;
  /** The switch was decided (ready + smoke + promotion); `switchedAt - switchDecidedAt` is the switch latency. */
  switchDecidedAt?: number;
  /** The live Service selects the new slot. */
  switchedAt?: number;
  /** The old slot may be scaled to 0 from then on. */
  scaleDownAt?: number;
  /** Failure detected; `restoredAt - failedAt` is the time to traffic restored. */
  failedAt?: number;
  failureReason?: string;
  failureMessage?: string;
  /** Traffic back on the previous version (blue-green switch-back or rolling template restore). */
  restoredAt?: number;
  restoredReleaseId?: string;
  completedAt?: number;
  /** Blue-green: the old slot was scaled to 0. */
  scaledDownAt?: number;
}

export type AdvanceOutcome =
  | { kind: 'wait'; retryAfterMs: number }
  | { kind: 'complete' }
  | { kind: 'failed'; reason: string; message: string };

export interface AdvanceOptions {
  /** Return (with `wait`) after about this long; the orchestrator persists and calls again. */
  budgetMs: number;
  signal?: AbortSignal;
  /** Clock (epoch ms); defaults to `Date.now`. */
  now?: () => number;
  /** Called after every step that changed the progress, so it can be persisted before the next one. */
  onProgress?: (progress: RolloutProgress) => void | Promise<void>;
}

export interface AdvanceResult {
  progress: RolloutProgress;
  outcome: AdvanceOutcome;
}

export type RollBackOutcome = { kind: 'rolled-back'; restoredReleaseId?: string } | { kind: 'nothing-to-restore' };

export interface RollBackResult {
  progress: RolloutProgress;
  outcome: RollBackOutcome;
}

export interface FinalizeResult {
  progress: RolloutProgress;
  outcome: { kind: 'wait'; retryAfterMs: number } | { kind: 'complete' };
}

/** Failure reasons the strategies report (besides `rolloutStatus` reasons). */
export const ROLLOUT_REASONS = {
  SmokeFailed: 'SmokeFailed',
  SmokeTimeout: 'SmokeTimeout',
  UnhealthyAfterSwitch: 'UnhealthyAfterSwitch',
  PreviewUnhealthy: 'PreviewUnhealthy',
  DeploymentMissing: 'DeploymentMissing',
  Superseded: 'Superseded',
} as const;
