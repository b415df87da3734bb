import { RepositoryRef } from '@portcullis/contracts';

/**
 * `provider/owner/name` back into a RepositoryRef (owner may hold `/` for GitLab subgroups; the
 * name is the last segment). Undefined when it is not a valid repository key.
 */
export function parseRepositoryKey(key: string): RepositoryRef | undefined {
  const firstSlash = key.indexOf('/');
  const lastSlash = key.lastIndexOf('/');
  if (firstSlash <= 0 || lastSlash <= firstSlash) return undefined;
  const parsed = RepositoryRef.safeParse({ provider: key.slice(0, firstSlash), owner: key.slice(firstSlash + 1, lastSlash), name: key.slice(lastSlash + 1) });
  return parsed.success ? parsed.data : undefined;
}
