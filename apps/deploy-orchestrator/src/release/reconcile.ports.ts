import { type ImageReference, type ReleaseTransitionEvent, type RepositoryRef } from '@portcullis/contracts';
import { type DeployConfigResolution, type DeploySection, type EnvironmentSection } from './deploy-config.schema.js';
import { type KubeObject } from '@portcullis/manifests';
import { type ReleaseRecord } from './release.model.js';

/** Release records, one per `repo@sha` (Redis). */
export interface ReleaseStore {
  get(releaseId: string): Promise<ReleaseRecord | undefined>;
  put(release: ReleaseRecord): Promise<void>;
}

/** The per-app/environment bookkeeping every instance shares (Redis). */
export interface AppEnvironmentIndex {
  /**
   * Gives the release its place among the app/environment's releases (idempotent) and says which
   * is the newest, and which was the newest before this release registered (to supersede it).
   */
  register(scope: string, releaseId: string): Promise<{ order: number; newest: string; previous: string | undefined }>;
  /** The newest registered release. */
  newest(scope: string): Promise<string | undefined>;
  /** The release currently deploying (applied, not settled), if any. */
  active(scope: string): Promise<string | undefined>;
  setActive(scope: string, releaseId: string | undefined): Promise<void>;
  lastGood(scope: string): Promise<string | undefined>;
  setLastGood(scope: string, releaseId: string): Promise<void>;
  /** Marks digests bad up to this release's order: an older or equal release carrying one is refused. */
  quarantine(scope: string, entry: { releaseId: string; order: number; digests: readonly string[] }): Promise<void>;
  /** The quarantine entry that refuses `digests` for a release of `order`, if any. */
  quarantinedBy(scope: string, order: number, digests: readonly string[]): Promise<string | undefined>;
}

/** Reads what the commit says about its own deployment (git at the release commit). */
export interface PipelineFiles {
  deployConfig(repository: RepositoryRef, sha: string): Promise<DeployConfigResolution>;
}

/** A manifest object as applied to the cluster. */
export type { KubeObject } from '@portcullis/manifests';

export interface ManifestViolation {
  readonly rule: string;
  readonly object: string;
  readonly field: string;
  readonly message: string;
}

/** Renders the manifests at the commit (plain YAML or kustomize), pins the images and runs the policy gate. */
export interface ManifestGate {
  prepare(input: {
    repository: RepositoryRef;
    sha: string;
    deploy: DeploySection;
    env: EnvironmentSection;
    images: readonly ImageReference[];
  }): Promise<{ kind: 'ready'; objects: readonly KubeObject[] } | { kind: 'violations'; violations: readonly ManifestViolation[] } | { kind: 'invalid'; problems: readonly string[] }>;
}

export interface RolloutRequest {
  readonly app: string;
  readonly cluster: string;
  readonly releaseId: string;
  readonly env: EnvironmentSection;
  readonly objects: readonly KubeObject[];
  readonly fence: number;
  readonly lastGoodReleaseId: string | undefined;
}

export type RolloutStep =
  | { readonly kind: 'wait'; readonly retryAfterMs: number; readonly progress: unknown }
  | { readonly kind: 'complete'; readonly progress: unknown; readonly finalizeAt: string | undefined }
  | { readonly kind: 'failed'; readonly reason: string; readonly message: string; readonly progress: unknown };

export type RollbackStep =
  | { readonly kind: 'rolled-back'; readonly restoredReleaseId: string | undefined; readonly progress: unknown }
  | { readonly kind: 'nothing-to-restore'; readonly progress: unknown };

/** Carries out a strategy on a cluster, resumably (libs/kube). */
export interface Rollouts {
  advance(request: RolloutRequest, progress: unknown, options: { budgetMs: number; signal: AbortSignal; promote: boolean }): Promise<RolloutStep>;
  rollBack(request: RolloutRequest, progress: unknown, reason: string): Promise<RollbackStep>;
  finalize(request: RolloutRequest, progress: unknown): Promise<unknown>;
}

/** Publishes transitions on `deploy.events`. */
export interface TransitionBus {
  publish(event: ReleaseTransitionEvent): Promise<void>;
}

export interface Clock {
  now(): Date;
}
