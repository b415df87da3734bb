import { type BlockingItem, type GateName, type ImageReference, type ReleaseState, type RepositoryRef, type Verdict } from '@portcullis/contracts';

/*
 * What the orchestrator remembers about a release (`repo@sha`) between events: the gate inputs it
 * has seen and, per environment, where the release stands. Kept in Redis (rebuildable: Kafka holds
 * every input; the cluster holds what was applied). Bounded: at most 20 blocking items per gate.
 */

/** The secret audit's outcome, reduced to what gates and explanations need. */
export interface AuditGateInput {
  readonly verdict: Verdict;
  /** Ref whose push was audited (branch filters). */
  readonly ref: string;
  readonly blockingCount: number;
  readonly items: readonly BlockingItem[];
  /** Set when the audit could not run (`audit.failed`). */
  readonly failure?: { readonly code: string; readonly message: string };
}

/** One image's scan outcome. */
export interface ScanGateInput {
  readonly image: ImageReference;
  readonly verdict: Verdict;
  readonly blockingCount: number;
  readonly items: readonly BlockingItem[];
  readonly failure?: { readonly code: string; readonly message: string };
  /** The image's tests (`imageTests:` of `.portcullis.yaml`); absent when the repository declares none. */
  readonly imageTests?: ImageTestsGateInput;
}

/** One image's tests, reduced to what the `image-tests` gate and its explanation need. */
export interface ImageTestsGateInput {
  readonly verdict: 'passed' | 'failed' | 'incomplete';
  readonly failed: number;
  readonly notRun: number;
  /** Set when the `imageTests:` section is invalid: no test ran (the first problems). */
  readonly problems?: readonly string[];
  /** Failed tests first, then those that did not run (at most 20). */
  readonly items: readonly BlockingItem[];
}

/** Where a release stands in one environment, and what the reconciler needs to resume. */
export interface EnvironmentRecord {
  readonly state: ReleaseState;
  /** Sequence of the last published transition (`deploy.events`). */
  readonly sequence: number;
  readonly reason: string;
  readonly message: string;
  readonly waitingFor?: readonly GateName[];
  readonly blockingKey?: string;
  /** Order of the release among the app/environment's releases (supersede, quarantine). */
  readonly order?: number;
  readonly approvedBy?: string;
  readonly promoteRequestedBy?: string;
  readonly rollbackRequested?: { readonly by: string; readonly reason: string };
  /** Fencing token of the deploy lock the rollout ran under. */
  readonly fence?: number;
  /** Opaque, persisted strategy progress (libs/kube). */
  readonly progress?: unknown;
  readonly lastGoodReleaseId?: string;
  /** Blue-green: scale the old slot down after this instant. */
  readonly finalizeAt?: string;
  readonly finalized?: boolean;
}

export interface ReleaseRecord {
  readonly releaseId: string;
  readonly repository: RepositoryRef;
  readonly sha: string;
  readonly audit?: AuditGateInput;
  /** Images CI announced as built from this commit, latest per image repository. */
  readonly builds: readonly ImageReference[];
  /** Scan outcomes by `registry/repository@digest`. */
  readonly scans: Readonly<Record<string, ScanGateInput>>;
  readonly environments: Readonly<Record<string, EnvironmentRecord>>;
  readonly updatedAt: string;
}

/** Reason codes of `deploy.events`, one constant per condition (CONVENTIONS §6). */
export const Reason = {
  WaitingForAudit: 'WaitingForAudit',
  WaitingForBuild: 'WaitingForBuild',
  WaitingForScan: 'WaitingForScan',
  WaitingForApproval: 'WaitingForApproval',
  SecretsFound: 'SecretsFound',
  AuditFailed: 'AuditFailed',
  VulnerabilitiesFound: 'VulnerabilitiesFound',
  ScanFailed: 'ScanFailed',
  ImageTestsFailed: 'ImageTestsFailed',
  ImageTestsIncomplete: 'ImageTestsIncomplete',
  PolicyViolations: 'PolicyViolations',
  ManifestsInvalid: 'ManifestsInvalid',
  Quarantined: 'Quarantined',
  GatesPassed: 'GatesPassed',
  Approved: 'Approved',
  RolloutStarted: 'RolloutStarted',
  RolloutComplete: 'RolloutComplete',
  AutomaticRollback: 'AutomaticRollback',
  ManualRollback: 'ManualRollback',
  NothingToRestore: 'NothingToRestore',
  Forbidden: 'Forbidden',
  ClusterRejected: 'ClusterRejected',
  Superseded: 'Superseded',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** States after which no event moves the release in that environment (only a manual rollback of `succeeded`). */
export const SETTLED: ReadonlySet<ReleaseState> = new Set(['succeeded', 'failed', 'rolled_back', 'superseded']);

/** States a newer release may supersede: nothing has been applied yet. */
export const SUPERSEDABLE: ReadonlySet<ReleaseState> = new Set(['waiting', 'blocked', 'approved']);

export function emptyRelease(releaseId: string, repository: RepositoryRef, sha: string, now: string): ReleaseRecord {
  return { releaseId, repository, sha, builds: [], scans: {}, environments: {}, updatedAt: now };
}
