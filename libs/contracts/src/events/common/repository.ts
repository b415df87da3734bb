import { z } from 'zod';

/** Git providers Portcullis accepts webhooks from. */
export const GitProvider = z.enum(['github', 'gitlab', 'bitbucket', 'bitbucket-dc', 'gitea']).meta({
  description: 'Git provider that owns the repository.',
});
export type GitProvider = z.infer<typeof GitProvider>;

const segment = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'letters, digits, . _ - and / between segments');

/**
 * Identity of a repository, independent of the provider's URLs. Clone and API URLs are always
 * built from the configured provider base URL and this identity, never taken from a payload.
 */
export const RepositoryRef = z
  .object({
    /** Git provider hosting the repository. */
    provider: GitProvider,
    /** Owner, organisation or GitLab group path (may contain `/` for subgroups). */
    owner: segment,
    /** Repository name. */
    name: segment,
  })
  .meta({ description: 'A repository, identified by provider, owner and name.' });
export type RepositoryRef = z.infer<typeof RepositoryRef>;

/** `provider/owner/name`: the Kafka key of every repository-scoped topic. */
export function repositoryKey(repo: RepositoryRef): string {
  return `${repo.provider}/${repo.owner}/${repo.name}`;
}

/** A full 40-hex (SHA-1) or 64-hex (SHA-256) commit id, lower case. */
export const CommitSha = z.string().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, 'a full lower-case hex commit id');

/** A release is one commit of one repository: `provider/owner/name@sha`. */
export function releaseIdOf(repo: RepositoryRef, sha: string): string {
  return `${repositoryKey(repo)}@${sha}`;
}
