import { z } from 'zod';

/** Git providers Portcullis accepts webhooks from. `gitea` covers Forgejo, which keeps Gitea's API. */
export const GitProvider = z.enum(['github', 'gitlab', 'bitbucket', 'bitbucket-dc', 'gitea']).meta({
  description: 'Git provider that owns the repository (`gitea` also covers Forgejo).',
});
export type GitProvider = z.infer<typeof GitProvider>;

const SEGMENT = '[A-Za-z0-9._-]+';
/** Shared with the release-id pattern, so both agree on what a repository looks like. */
export const OWNER_PATTERN = `${SEGMENT}(?:/${SEGMENT})*`;
export const NAME_PATTERN = SEGMENT;

/**
 * Identity of a repository, independent of the provider's URLs. Clone and API URLs are always
 * built from the configured provider base URL and this identity, never taken from a payload.
 */
export const RepositoryRef = z
  .object({
    /** Git provider hosting the repository. */
    provider: GitProvider,
    /** Owner, organisation or GitLab group path (may contain `/` for subgroups). */
    owner: z
      .string()
      .min(1)
      .max(200)
      .regex(new RegExp(`^${OWNER_PATTERN}$`), 'letters, digits, . _ - and / between segments')
      .meta({ description: 'Owner, organisation or GitLab group path (may contain `/` for subgroups).' }),
    /** Repository name: one path segment, so the last segment of a key is always the name. */
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(new RegExp(`^${NAME_PATTERN}$`), 'letters, digits, . _ -')
      .meta({ description: 'Repository name (one path segment).' }),
  })
  .meta({ description: 'A repository, identified by provider, owner and name.' });
export type RepositoryRef = z.infer<typeof RepositoryRef>;

/** `provider/owner/name`: the Kafka key of every repository-scoped topic. */
export function repositoryKey(repo: RepositoryRef): string {
  return `${repo.provider}/${repo.owner}/${repo.name}`;
}

/** A full 40-hex (SHA-1) or 64-hex (SHA-256) commit id, lower case. */
export const CommitSha = z
  .string()
  .max(64)
  .regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, 'a full lower-case hex commit id')
  .meta({ description: 'A full lower-case hex commit id (40 hex for SHA-1, 64 for SHA-256 repositories).' });

/** The all-zero id providers send as `before` of a created ref or `after` of a deleted one. */
export const ZERO_SHA = '0'.repeat(40);

/** True for the all-zero commit id (either hash length). */
export function isZeroSha(sha: string): boolean {
  return /^0+$/.test(sha);
}

/** A full ref name under `prefix`. Git allows longer names; no real branch or tag comes near 255 characters. */
function refUnder(prefix: string, what: string, description: string) {
  return z
    .string()
    .min(prefix.length + 1)
    .max(255)
    .regex(new RegExp(`^${prefix}\\S+$`), `${what} starting with ${prefix}`)
    .meta({ description });
}

/** Any full ref: `refs/heads/…`, `refs/tags/…`. */
export const GitRef = refUnder('refs/', 'a full ref name', 'Full ref name, e.g. `refs/heads/main` or `refs/tags/v1.2.0`.');

/** A branch: `refs/heads/<name>`. */
export const BranchRef = refUnder('refs/heads/', 'a branch ref', 'Full branch ref, `refs/heads/<name>`.');

/** A tag: `refs/tags/<name>`. */
export const TagRef = refUnder('refs/tags/', 'a tag ref', 'Full tag ref, `refs/tags/<name>`.');
