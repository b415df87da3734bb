import { type RepositoryRef } from '@portcullis/contracts';
import { GitError, type GitHostConfig, type GitMirror, type GitMirrorCache, readFileAt } from '@portcullis/git';
import { type PolicyFiles } from './git-policy.source.js';
import { MAX_POLICY_YAML_BYTES, MAX_TRIVYIGNORE_BYTES, type PolicyFile, type RepositoryPolicyFiles } from './repository-policy.js';

/**
 * The policy files on libs/git's mirror cache (this service's own directory and disk budget). The
 * host of each provider comes from configuration only; a provider without one fails permanently
 * (`INVALID_CONFIG`), which GitPolicySource turns into the default policy.
 */
export class GitPolicyFiles implements PolicyFiles {
  constructor(
    private readonly cache: GitMirrorCache,
    private readonly hosts: Readonly<Partial<Record<RepositoryRef['provider'], GitHostConfig>>>,
  ) {}

  read(repository: RepositoryRef, commit: string): Promise<RepositoryPolicyFiles> {
    const host = this.hosts[repository.provider];
    if (!host) return Promise.reject(new GitError('INVALID_CONFIG', `no git host is configured for provider ${repository.provider}`));
    return this.cache.withMirror(host, { owner: repository.owner, name: repository.name }, async (mirror) => {
      await mirror.ensureCommit(commit);
      return {
        portcullisYaml: await read(mirror, commit, '.portcullis.yaml', MAX_POLICY_YAML_BYTES),
        trivyignore: await read(mirror, commit, '.trivyignore', MAX_TRIVYIGNORE_BYTES),
      };
    });
  }
}

async function read(mirror: GitMirror, commit: string, path: string, maxBytes: number): Promise<PolicyFile> {
  const file = await readFileAt(mirror, commit, path, maxBytes);
  if (file.status === 'found') return { kind: 'found', text: file.content.toString('utf8') };
  return { kind: file.status };
}
