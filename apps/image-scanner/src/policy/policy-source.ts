import { type RepositoryRef, type Severity } from '@portcullis/contracts';
import { type ImageSecretsPolicy } from '../secrets/judge-secrets.js';
import { defaultImagePolicy, type ImagePolicy } from './image-policy.schema.js';

/** The policy a release's images are judged by, and where it came from. */
export interface ResolvedImagePolicy {
  readonly policy: ImagePolicy;
  /** `repository`: its `.portcullis.yaml` / `.trivyignore` at the commit; `default`: the platform policy. */
  readonly source: 'repository' | 'default';
  /** Problems of an invalid repository policy (each with its path); `policy` is then the default and the verdict `error`. */
  readonly invalid?: readonly string[];
  /**
   * The `secrets:` section of the same `.portcullis.yaml` (the one the secret-auditor and the CLI
   * judge pushes by), when the file has one; the platform's secrets default otherwise.
   */
  readonly secrets?: ImageSecretsPolicy;
  /** The `imageTests:` section of the same `.portcullis.yaml`, when the file has one. */
  readonly imageTests?: ImageTestsPolicy;
}

/**
 * A repository's declared image tests. The section is kept as the JSON it was validated as (the
 * compiled spec holds RE2 programs, which a cache cannot store) and compiled again where it runs;
 * `hash` names its content (cache keys of test results). Invalid: every problem, no test runs and
 * the gate fails.
 */
export type ImageTestsPolicy = { readonly section: unknown; readonly hash: string } | { readonly invalid: readonly string[] };

/**
 * Where an image's policy comes from: the repository and commit it was built from (a
 * `build.announced`). Errors follow libs/errors: a retryable one (git host down) sends the event
 * back to the consumer.
 */
export interface PolicySource {
  policyFor(repository: RepositoryRef, commit: string): Promise<ResolvedImagePolicy>;
}

/** The platform policy for every repository: used until the git-backed source is wired. */
export class DefaultPolicySource implements PolicySource {
  private readonly resolved: ResolvedImagePolicy;

  constructor(base: { failOn: Severity; requireFix: boolean }) {
    this.resolved = { policy: defaultImagePolicy(base), source: 'default' };
  }

  policyFor(): Promise<ResolvedImagePolicy> {
    return Promise.resolve(this.resolved);
  }
}
