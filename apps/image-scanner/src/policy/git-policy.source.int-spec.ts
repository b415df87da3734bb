import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RepositoryRef } from '@portcullis/contracts';
import { GitMirrorCache } from '@portcullis/git';
import { createRedisClient } from '@portcullis/state';
import { createRemoteRepo, gitServerEnv, stackEnv, testHost, uniqueOwner, uniquePrefix, WorkTree, type GitServerEnv } from '@portcullis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitPolicyFiles } from './git-policy.files.js';
import { GitPolicySource } from './git-policy.source.js';
import { RedisPolicyCache } from './redis-policy.cache.js';

// The stack's git server and Redis are real; each GitPolicySource below has its own mirror
// directory, as two service instances would.
const stack = stackEnv();
const redis = createRedisClient({ url: stack.redisUrl, keyPrefix: uniquePrefix('image-policy'), clientName: 'image-policy-int' });
const platform = { failOn: 'high', requireFix: true } as const;
const HOUR = 3_600_000;
const logger = { warn: () => undefined };

describe('GitPolicySource against the stack git server and Redis', () => {
  let server: GitServerEnv;
  let owner: string;
  const trees: WorkTree[] = [];
  const dirs: string[] = [];

  function seed(name: string, files: Record<string, string>): string {
    createRemoteRepo(server, owner, name);
    const wt = new WorkTree(server, owner, name);
    trees.push(wt);
    for (const [path, content] of Object.entries(files)) wt.write(path, content);
    const sha = wt.commit('policy');
    wt.push('HEAD:refs/heads/main');
    return sha;
  }

  async function instance(host = testHost(server)): Promise<GitPolicySource> {
    const directory = mkdtempSync(join(tmpdir(), 'portcullis-policy-int-'));
    dirs.push(directory);
    const cache = await GitMirrorCache.open({ directory, maxBytes: 64 * 1024 * 1024 });
    return new GitPolicySource({ files: new GitPolicyFiles(cache, { gitea: host }), cache: new RedisPolicyCache(redis, HOUR), logger, platform });
  }

  const repo = (name: string): RepositoryRef => ({ provider: 'gitea', owner, name });

  beforeAll(() => {
    server = gitServerEnv();
    owner = uniqueOwner('policy');
  });
  afterAll(async () => {
    trees.forEach((t) => t.remove());
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
    await redis.close();
  });

  it('resolves .portcullis.yaml and .trivyignore at the commit, then answers from Redis once the repository is gone', async () => {
    const sha = seed('api', {
      '.portcullis.yaml': [
        'secrets:',
        '  failOn: low',
        'images:',
        '  failOn: critical',
        '  suppressions:',
        '    - id: CVE-2024-3094',
        '      until: 2027-01-31',
        '      reason: xz is not in the runtime image',
        '      owner: platform-team',
        '',
      ].join('\n'),
      '.trivyignore': '# base image, fixed upstream soon\nGHSA-xxxx-yyyy-zzzz exp:2027-03-01\n',
    });
    const first = await (await instance()).policyFor(repo('api'), sha);
    expect(first).toEqual({
      source: 'repository',
      policy: {
        failOn: 'critical',
        requireFix: true,
        suppressions: [
          { id: 'CVE-2024-3094', until: '2027-01-31T23:59:59.000Z', reason: 'xz is not in the runtime image', owner: 'platform-team', origin: '.portcullis.yaml' },
          { id: 'GHSA-xxxx-yyyy-zzzz', until: '2027-03-01T23:59:59.000Z', reason: 'base image, fixed upstream soon', owner: '.trivyignore', origin: '.trivyignore' },
        ],
      },
      // The repository's `secrets:` section judges the secrets baked into its images too.
      secrets: { policy: { source: 'repository', failOn: 'low', ignorePaths: [], suppressions: [] } },
    });

    rmSync(join(server.root, owner, 'api.git'), { recursive: true, force: true });
    // Another instance with an empty mirror directory: only the shared cache can answer.
    expect(await (await instance()).policyFor(repo('api'), sha)).toEqual(first);
  });

  it('reports YAML that does not parse as invalid, with its problem', async () => {
    const sha = seed('broken', { '.portcullis.yaml': 'images:\n  failOn: [critical\n' });
    const sut = await instance();
    const resolved = await sut.policyFor(repo('broken'), sha);
    expect(resolved.source).toBe('default');
    expect(resolved.policy).toEqual({ failOn: 'high', requireFix: true, suppressions: [] });
    expect(resolved.invalid).toEqual([expect.stringMatching(/^\.portcullis\.yaml: not valid YAML/)]);
  });

  it('is the default policy for a commit without policy files, and for a repository that does not exist', async () => {
    const sha = seed('plain', { 'README.md': '# plain\n' });
    const sut = await instance();
    expect(await sut.policyFor(repo('plain'), sha)).toEqual({ source: 'default', policy: { failOn: 'high', requireFix: true, suppressions: [] } });
    expect(await sut.policyFor(repo('never-created'), sha)).toEqual({ source: 'default', policy: { failOn: 'high', requireFix: true, suppressions: [] } });
  });

  it('fails retryably when the git host does not answer', async () => {
    const sut = await instance({ ...testHost(server), baseUrl: 'http://127.0.0.1:9' });
    await expect(sut.policyFor(repo('unreachable'), 'b'.repeat(40))).rejects.toMatchObject({ disposition: 'retry' });
  });
});
