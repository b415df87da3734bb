import { type BlockingItem, type ImageReference, type ReleaseState, type Severity, type Verdict } from '@portcullis/contracts';

/**
 * The sample releases of the demo, the end-to-end tests and the load generator. Each kind has one
 * reason to end the way it does, so a reader of the demo sees one cause per release.
 */
export const SCENARIO_KINDS = ['clean', 'leaked-token', 'plaintext-secret', 'vulnerable-image', 'failing-rollout'] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

/** The repository name each kind gets in the demo (tests may use their own). */
export const SCENARIO_REPOSITORIES: Readonly<Record<ScenarioKind, string>> = {
  clean: 'shop-api',
  'leaked-token': 'billing',
  'plaintext-secret': 'orders',
  'vulnerable-image': 'catalog',
  'failing-rollout': 'checkout',
};

/** Where a scenario's release lives. Every value ends up in `.portcullis.yaml` or the manifests. */
export interface ScenarioParams {
  /** Repository owner on the git server (`acme`, or `uniqueOwner('e2e')` in tests); lower-case. */
  readonly owner: string;
  /** Repository name; also the app, the Deployment and the image repository's last segment. Default: `SCENARIO_REPOSITORIES[kind]`. */
  readonly name?: string;
  /** `host:port` of the registry, exactly as the intake's registry source and the scanner's registries.yaml name it (`registryHost(REGISTRY_URL)`). */
  readonly registry: string;
  /** Namespace of the environment in the cluster. */
  readonly namespace: string;
  /** Environment name. Default `staging`. */
  readonly environment?: string;
  /** The environment's rollout deadline. Default 8 s, so a failing rollout rolls back within ~15 s. */
  readonly progressDeadlineSeconds?: number;
  /** `notify.channel` of the pipeline file; counts only when the notifier's routing allow-lists it. Absent: no `notify:` section. */
  readonly notifyChannel?: string;
  /** Marker written into the image so every run gets new digests (the scan cache is keyed by digest). Default: random. */
  readonly run?: string;
}

/** One secret finding the audit must report (the rest of the finding — fingerprint, preview, commit — is not predictable). */
export interface ExpectedSecretFinding {
  readonly ruleId: string;
  readonly kind: 'secret' | 'manifest';
  readonly severity: Severity;
  readonly path: string;
  readonly line: number;
}

/** One vulnerability the scan must report, as `scan.completed.vulnerabilities` lists it. */
export interface ExpectedVulnerability {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly package: { readonly name: string; readonly version: string; readonly ecosystem: string };
  readonly fixedVersion: string;
  readonly severity: Severity;
  readonly suppressed: boolean;
}

/** One transition of `deploy.events` (`release.transition`); `from` absent: any state (or none). */
export interface ExpectedTransition {
  readonly from?: ReleaseState | null;
  readonly to: ReleaseState;
  /** A Reason constant of apps/deploy-orchestrator (`release.model.ts`); absent: any. */
  readonly reason?: string;
}

/** What one release must end with, per service. */
export interface ExpectedOutcome {
  readonly audit: { readonly verdict: Verdict; readonly findings: readonly ExpectedSecretFinding[] };
  /** The scan of the release's image (the `scan.completed` that carries the releaseId). */
  readonly scan: { readonly verdict: Verdict; readonly vulnerabilities: readonly ExpectedVulnerability[] };
  readonly deploy: {
    readonly environment: string;
    /** The last transitions, exactly (compare with `checkDeployPath`). */
    readonly tail: readonly ExpectedTransition[];
    /**
     * Transitions allowed before the tail. The audit, the build and the scan arrive on three topics
     * in any order, so the orchestrator may wait (and re-block) a varying number of times.
     */
    readonly prefix: readonly ExpectedTransition[];
    /** For `blocked`: the gate summary of the last transition. */
    readonly blocking?: {
      readonly secrets: number;
      readonly vulnerabilities: number;
      readonly policyViolations: number;
      readonly items: readonly BlockingItem[];
    };
    /** The last transition's `images`: the release image pinned to the pushed digest. */
    readonly images: readonly ImageReference[];
    /** For `rolled_back`: the last transition names the release it went back to (the earlier good one). */
    readonly rolledBackToPrevious?: boolean;
    /** The last transition's message must match. */
    readonly message?: RegExp;
  };
  /**
   * The Deployment afterwards: `this-release` (image pinned to this release's digest, annotation
   * `portcullis.dev/release` = this release), `previous-release` (still the earlier good one), or
   * `absent` (nothing applied).
   */
  readonly cluster: 'this-release' | 'previous-release' | 'absent';
  /**
   * What the release's Slack thread replies must say, each pattern matched by some reply (text or
   * blocks). Replies waiting together share one message, so how many messages carry them varies;
   * none may say anything else. Empty: no reply at all (progress is the root's step trail).
   */
  readonly replies: readonly RegExp[];
}
