import type { KubernetesObject, V1Deployment, V1Job, V1ReplicaSet, V1Service } from '@kubernetes/client-node';

/** A rendered manifest object as applied with server-side apply. */
export type KubeObject = KubernetesObject & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;

export interface WaitOptions {
  /** Give up (returning the last seen state) after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface FenceOptions {
  /**
   * Fencing token of the caller. A Deployment annotated with a higher `portcullis.dev/fence` is
   * not touched (KubeError KUBE_FENCED); the write carries the read's resourceVersion, so a newer
   * writer racing in between causes a 409 and a fresh check instead of a lost update.
   */
  fence?: number;
}

/**
 * The cluster verbs the rollout strategies use, and nothing else (CONVENTIONS.md §5). Every method
 * throws `KubeError`; 409 conflicts are retried inside with a fresh read.
 */
export interface KubeCluster {
  /** Server-side apply with the orchestrator's field manager and `force: true`. */
  apply<T extends KubeObject>(object: T, options?: FenceOptions): Promise<T>;
  /** `undefined` when the Deployment does not exist. */
  getDeployment(namespace: string, name: string): Promise<V1Deployment | undefined>;
  /**
   * Read-modify-write of a Deployment with optimistic concurrency. `mutate` gets a fresh copy each
   * attempt and returns the desired object, or `undefined` to leave it unchanged.
   */
  updateDeployment(namespace: string, name: string, mutate: (current: V1Deployment) => V1Deployment | undefined, options?: FenceOptions): Promise<V1Deployment>;
  /** Sets `spec.replicas` (fenced, conflict-retried). */
  scaleDeployment(namespace: string, name: string, replicas: number, options?: FenceOptions): Promise<V1Deployment>;
  /** ReplicaSets matching a label selector (`a=b,c=d`). */
  listReplicaSets(namespace: string, labelSelector: string): Promise<V1ReplicaSet[]>;
  /** `undefined` when the Service does not exist. */
  getService(namespace: string, name: string): Promise<V1Service | undefined>;
  /** Creates a Job; an existing Job of that name is returned as is (idempotent retries). */
  createJob(job: V1Job): Promise<V1Job>;
  getJob(namespace: string, name: string): Promise<V1Job | undefined>;
  /** Deletes a Job and its pods (background propagation); a missing Job is fine. */
  deleteJob(namespace: string, name: string): Promise<void>;
  /**
   * Resolves with the Deployment as soon as `until` holds for it (checked on the current state
   * first, then on every watch event), or with the last seen state when the timeout passes.
   * `undefined` when the Deployment does not exist.
   */
  waitForDeployment(namespace: string, name: string, until: (deployment: V1Deployment) => boolean, options: WaitOptions): Promise<V1Deployment | undefined>;
  /** Like `waitForDeployment`, for a Job. */
  waitForJob(namespace: string, name: string, until: (job: V1Job) => boolean, options: WaitOptions): Promise<V1Job | undefined>;
}
