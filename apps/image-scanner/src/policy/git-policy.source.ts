import { type RepositoryRef, type Severity } from '@portcullis/contracts';
import { codeOf, dispositionOf } from '@portcullis/errors';
import { defaultImagePolicy } from './image-policy.schema.js';
import { type PolicySource, type ResolvedImagePolicy } from './policy-source.js';
import { readRepositoryPolicy, type RepositoryPolicyFiles } from './repository-policy.js';

/** Reads the two policy files of a repository at a commit (a git mirror in production). */
export interface PolicyFiles {
  read(repository: RepositoryRef, commit: string): Promise<RepositoryPolicyFiles>;
}

/** Resolved policies by repository and commit: a commit's files never change. */
export interface PolicyCache {
  get(key: string): Promise<ResolvedImagePolicy | undefined>;
  put(key: string, policy: ResolvedImagePolicy): Promise<void>;
}

export interface GitPolicySourceDeps {
  readonly files: PolicyFiles;
  readonly cache: PolicyCache;
  readonly logger: { warn(obj: object, msg: string): void };
  /** SCAN_DEFAULT_FAIL_ON, fixes-only and SECRETS_DEFAULT_FAIL_ON: the policy's defaults, and part of the cache key. */
  readonly platform: { failOn: Severity; requireFix: boolean; secretsFailOn?: Severity };
}

/**
 * The policy of the repository and commit an image was built from: `.portcullis.yaml` (`images:`,
 * `secrets:`, `imageTests:`) and `.trivyignore` at that commit, resolved once and cached by `repo@commit`.
 *
 * Failures, by libs/git's disposition:
 * - retryable (host unreachable, fetch timeout): thrown, so the event goes back to the consumer;
 *   the scan's last attempt reports it as `scan.failed`.
 * - permanent (repository not found or hidden from our token, credentials refused, commit gone,
 *   no host configured for the provider): the platform default policy, with a warning, and not
 *   cached, so fixed credentials take effect at the next scan. The release is still judged, by the
 *   same rules as a repository without a policy; a missing repository is not the author's doing,
 *   so it is not reported as an invalid policy.
 */
export class GitPolicySource implements PolicySource {
  private readonly inFlight = new Map<string, Promise<ResolvedImagePolicy>>();

  constructor(private readonly deps: GitPolicySourceDeps) {}

  policyFor(repository: RepositoryRef, commit: string): Promise<ResolvedImagePolicy> {
    const key = cacheKey(repository, commit, this.deps.platform);
    // The images of one release arrive together: they share one read.
    const running = this.inFlight.get(key);
    if (running) return running;
    const work = this.resolve(repository, commit, key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  private async resolve(repository: RepositoryRef, commit: string, key: string): Promise<ResolvedImagePolicy> {
    const cached = await this.deps.cache.get(key);
    if (cached) return cached;
    let files: RepositoryPolicyFiles;
    try {
      files = await this.deps.files.read(repository, commit);
    } catch (error) {
      if (dispositionOf(error) !== 'permanent') throw error;
      this.deps.logger.warn(
        { repository: `${repository.provider}:${repository.owner}/${repository.name}`, commit, code: codeOf(error) },
        'repository policy unreadable; judging by the default policy',
      );
      return { policy: defaultImagePolicy(this.deps.platform), source: 'default' };
    }
    const { resolved, notes } = readRepositoryPolicy(files, this.deps.platform);
    if (notes.length > 0) {
      this.deps.logger.warn({ repository: `${repository.provider}:${repository.owner}/${repository.name}`, commit, notes: notes.slice(0, 20) }, 'repository policy notes');
    }
    await this.deps.cache.put(key, resolved);
    return resolved;
  }
}

/**
 * `github:acme/api@<sha>`, with the platform defaults the result was resolved against. The
 * `secrets-<failOn>` part also keeps entries cached before the `secrets:` section was read apart,
 * and `tests1` those cached before the `imageTests:` section was (they lack it).
 */
export function cacheKey(repository: RepositoryRef, commit: string, platform: { failOn: Severity; requireFix: boolean; secretsFailOn?: Severity }): string {
  return `${platform.failOn}:${platform.requireFix ? 'fix' : 'any'}:secrets-${platform.secretsFailOn ?? 'high'}:tests1:${repository.provider}:${repository.owner}/${repository.name}@${commit}`;
}

