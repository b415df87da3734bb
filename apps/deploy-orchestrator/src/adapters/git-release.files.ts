import { type RepositoryRef } from '@portcullis/contracts';
import { GitError, type GitHostConfig, type GitMirror, type GitMirrorCache, readFileAt } from '@portcullis/git';
import { parse as parseYaml } from 'yaml';
import { type DeployConfigResolution, resolveDeployConfig } from '../release/deploy-config.schema.js';
import { type PipelineFiles } from '../release/reconcile.ports.js';

const PIPELINE_FILE = '.portcullis.yaml';
const MAX_PIPELINE_FILE_BYTES = 64 * 1024;
const CACHED_CONFIGS = 512;

/**
 * The release commit's own files on libs/git's mirror cache: `.portcullis.yaml` (`deploy:`) and,
 * through `withCommit`, the manifests. Hosts come from configuration only; a provider without one
 * is a repository Portcullis does not deploy (`absent`), not an error.
 */
export class GitReleaseFiles implements PipelineFiles {
  /** A commit's files never change: its resolved `deploy:` section is kept per `repo@sha`. */
  readonly #configs = new Map<string, DeployConfigResolution>();

  constructor(
    private readonly cache: GitMirrorCache,
    private readonly hosts: Readonly<Partial<Record<RepositoryRef['provider'], GitHostConfig>>>,
  ) {}

  async deployConfig(repository: RepositoryRef, sha: string): Promise<DeployConfigResolution> {
    const key = `${repository.provider}/${repository.owner}/${repository.name}@${sha}`;
    const cached = this.#configs.get(key);
    if (cached) return cached;
    if (!this.hosts[repository.provider]) return { kind: 'absent' };
    const resolved = await this.withCommit(repository, sha, async (mirror) => {
      const file = await readFileAt(mirror, sha, PIPELINE_FILE, MAX_PIPELINE_FILE_BYTES);
      if (file.status === 'missing') return { kind: 'absent' } as const;
      if (file.status === 'too-large') return { kind: 'invalid', problems: [`${PIPELINE_FILE}: larger than ${MAX_PIPELINE_FILE_BYTES} bytes`] } as const;
      return resolveDeployFile(file.content.toString('utf8'));
    });
    if (this.#configs.size >= CACHED_CONFIGS) this.#configs.delete(this.#configs.keys().next().value!);
    this.#configs.set(key, resolved);
    return resolved;
  }

  /** Runs `work` on a mirror of the repository in which commit `sha` is present. */
  withCommit<T>(repository: RepositoryRef, sha: string, work: (mirror: GitMirror) => Promise<T>): Promise<T> {
    const host = this.hosts[repository.provider];
    if (!host) return Promise.reject(new GitError('INVALID_CONFIG', `no git host is configured for provider ${repository.provider}`));
    return this.cache.withMirror(host, { owner: repository.owner, name: repository.name }, async (mirror) => {
      await mirror.ensureCommit(sha);
      return work(mirror);
    });
  }
}

/** Parses the pipeline file and validates its `deploy:` section; unparsable YAML is an invalid file, not an absent one. */
export function resolveDeployFile(text: string): DeployConfigResolution {
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 100, prettyErrors: false });
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '').slice(0, 200) : 'invalid YAML';
    return { kind: 'invalid', problems: [`${PIPELINE_FILE}: not valid YAML: ${reason}`] };
  }
  if (document === null || document === undefined) return { kind: 'absent' };
  if (typeof document !== 'object' || Array.isArray(document)) return { kind: 'invalid', problems: [`${PIPELINE_FILE}: expected a mapping at the top level`] };
  return resolveDeployConfig((document as Record<string, unknown>)['deploy']);
}
