import { z } from 'zod';
import { GitProvider, NAME_PATTERN, OWNER_PATTERN, repositoryKey, type RepositoryRef } from './repository.js';

const RELEASE_ID = new RegExp(
  `^(${GitProvider.options.join('|')})/(${OWNER_PATTERN})/(${NAME_PATTERN})@([0-9a-f]{40}|[0-9a-f]{64})$`,
);

/**
 * A release is one commit of one repository: `provider/owner/name@sha`. Every event about a release
 * carries it, so the orchestrator and the notifier can join results without guessing.
 */
export const ReleaseId = z
  .string()
  .max(400)
  .regex(RELEASE_ID, 'provider/owner/name@<full commit sha>')
  .meta({ description: 'The release: `provider/owner/name@<full commit sha>`.' });
export type ReleaseId = z.infer<typeof ReleaseId>;

/** The release id of `sha` in `repo`. */
export function releaseIdOf(repo: RepositoryRef, sha: string): string {
  return `${repositoryKey(repo)}@${sha}`;
}

/** Splits a release id back into repository and commit; `undefined` when it is not one. */
export function parseReleaseId(releaseId: string): { repository: RepositoryRef; sha: string } | undefined {
  const match = RELEASE_ID.exec(releaseId);
  if (!match) return undefined;
  const [, provider, owner, name, sha] = match as unknown as [string, GitProvider, string, string, string];
  return { repository: { provider, owner, name }, sha };
}
