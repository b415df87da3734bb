import { type RepositoryRef } from '@portcullis/contracts';
import { GitError } from '@portcullis/git';
import { describe, expect, it, vi } from 'vitest';
import { GitPolicySource, type PolicyCache, type PolicyFiles } from './git-policy.source.js';
import { type ResolvedImagePolicy } from './policy-source.js';

const repository: RepositoryRef = { provider: 'github', owner: 'acme', name: 'api' };
const sha = 'a'.repeat(40);
const platform = { failOn: 'high', requireFix: true } as const;
const defaultPolicy: ResolvedImagePolicy = { policy: { failOn: 'high', requireFix: true, suppressions: [] }, source: 'default' };

function setup(read: PolicyFiles['read']) {
  const store = new Map<string, ResolvedImagePolicy>();
  const cache: PolicyCache = { get: async (key) => store.get(key), put: async (key, value) => void store.set(key, value) };
  const files = { read: vi.fn(read) };
  const logger = { warn: vi.fn() };
  const sut = new GitPolicySource({ files, cache, logger, platform });
  return { sut, files, store, logger };
}

describe('GitPolicySource', () => {
  it('reads the files once per commit and serves repeats from the cache', async () => {
    const { sut, files, store } = setup(async () => ({ portcullisYaml: { kind: 'found', text: 'images:\n  failOn: critical\n' }, trivyignore: { kind: 'missing' } }));
    const [a, b] = await Promise.all([sut.policyFor(repository, sha), sut.policyFor(repository, sha)]);
    const c = await sut.policyFor(repository, sha);
    expect(a.policy.failOn).toBe('critical');
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(files.read).toHaveBeenCalledTimes(1);
    expect([...store.keys()]).toEqual([`high:fix:secrets-high:tests1:github:acme/api@${sha}`]);
  });

  it('caches an invalid policy too: the commit will not change', async () => {
    const { sut, files } = setup(async () => ({ portcullisYaml: { kind: 'found', text: 'images: [' }, trivyignore: { kind: 'missing' } }));
    expect((await sut.policyFor(repository, sha)).invalid).toHaveLength(1);
    expect((await sut.policyFor(repository, sha)).invalid).toHaveLength(1);
    expect(files.read).toHaveBeenCalledTimes(1);
  });

  it('throws a retryable git failure so the event is retried, and caches nothing', async () => {
    const { sut, store } = setup(async () => {
      throw new GitError('FETCH_FAILED', 'connection refused');
    });
    await expect(sut.policyFor(repository, sha)).rejects.toMatchObject({ code: 'FETCH_FAILED', disposition: 'retry' });
    expect(store.size).toBe(0);
  });

  it('judges by the default policy when the repository is gone, without caching it', async () => {
    const { sut, files, store, logger } = setup(async () => {
      throw new GitError('REPOSITORY_NOT_FOUND', 'not found');
    });
    expect(await sut.policyFor(repository, sha)).toEqual(defaultPolicy);
    expect(store.size).toBe(0);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ code: 'REPOSITORY_NOT_FOUND' }), expect.any(String));
    await sut.policyFor(repository, sha);
    expect(files.read).toHaveBeenCalledTimes(2);
  });
});
