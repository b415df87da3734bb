import { describe, expect, it } from 'vitest';
import { parseReleaseId, ReleaseId, releaseIdOf } from './release-id.js';
import type { RepositoryRef } from './repository.js';

const sha = 'a3c1f0e5d4b2a9876543210fedcba9876543210f';

describe('release ids', () => {
  it.each<RepositoryRef>([
    { provider: 'github', owner: 'acme', name: 'shop-api' },
    { provider: 'gitlab', owner: 'acme/platform/payments', name: 'ledger.svc' },
    { provider: 'bitbucket-dc', owner: 'PROJ', name: 'repo_1' },
  ])('formats and parses back $provider/$owner/$name', (repository) => {
    const sut = releaseIdOf(repository, sha);

    expect(ReleaseId.safeParse(sut).success).toBe(true);
    expect(parseReleaseId(sut)).toEqual({ repository, sha });
  });

  it('accepts SHA-256 object ids', () => {
    expect(parseReleaseId(`gitea/acme/shop@${'b'.repeat(64)}`)?.sha).toBe('b'.repeat(64));
  });

  it.each([
    ['an unknown provider', `svn/acme/shop@${sha}`],
    ['a short sha', 'github/acme/shop@a3c1f0e'],
    ['no owner', `github/shop@${sha}`],
    ['upper-case sha', `github/acme/shop@${sha.toUpperCase()}`],
    ['a branch instead of a sha', 'github/acme/shop@main'],
  ])('rejects %s', (_case, value) => {
    expect(ReleaseId.safeParse(value).success).toBe(false);
    expect(parseReleaseId(value)).toBeUndefined();
  });
});
