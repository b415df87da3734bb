import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitError, readTreeAt, type GitMirror, type GitMirrorCache, type TreeAtCommit } from '../index.js';
import { openTestCache, removeTestCaches } from '../../test/audit-helpers.js';
import { createRemoteRepo, gitServerEnv, testHost, uniqueOwner, WorkTree, type GitServerEnv } from '@portcullis/testing';

describe('readTreeAt against a real git smart-HTTP server', () => {
  let server: GitServerEnv;
  let cache: GitMirrorCache;
  let wt: WorkTree;
  let id: { owner: string; name: string };
  let commit: string;

  /** Reads at `commit` the way the deploy-orchestrator does: fetch refs, then read. */
  function read(path: string, limits = {}, from: GitMirrorCache = cache): Promise<TreeAtCommit> {
    return from.withMirror(testHost(server), id, async (mirror: GitMirror) => {
      await mirror.fetchRefs();
      return readTreeAt(mirror, commit, path, limits);
    });
  }

  beforeAll(async () => {
    server = gitServerEnv();
    // the mirror leaves blobs over 64 KiB out (partial clone), like a service with a small maxFileBytes
    cache = await openTestCache(512 * 1024 * 1024, { maxFileBytes: 64 * 1024 });
    id = { owner: uniqueOwner('tree'), name: 'app' };
    createRemoteRepo(server, id.owner, id.name);
    wt = new WorkTree(server, id.owner, id.name);
    wt.write('.portcullis.yaml', 'deploy: {}\n');
    wt.write('deploy/k8s/kustomization.yaml', 'resources: [base]\n');
    wt.write('deploy/k8s/base/deployment.yaml', 'kind: Deployment\n');
    wt.write('deploy/k8s/base/nëw name.yaml', 'kind: Service\n');
    wt.write('deploy/k8s-other/x.yaml', 'kind: ConfigMap\n');
    wt.write('deploy/big/huge.yaml', 'x'.repeat(100 * 1024));
    wt.write('deploy/big/small.yaml', 'y\n');
    symlinkSync('../../../.portcullis.yaml', join(wt.dir, 'deploy/k8s/base/escape.yaml'));
    const sub = wt.commit('seed'); // any commit id will do as a submodule pointer
    wt.git('update-index', '--add', '--cacheinfo', `160000,${sub},deploy/k8s/vendored`);
    wt.git('commit', '--quiet', '-m', 'submodule'); // not wt.commit: `add -A` would drop the gitlink
    commit = wt.head();
    wt.push('HEAD:refs/heads/main');
  });
  afterAll(() => {
    wt.remove();
    removeTestCaches();
  });

  it('reads every file under a directory, recursively, keyed relative to it, skipping symlinks and submodules', async () => {
    const tree = await read('deploy/k8s/');

    expect(tree.status).toBe('found');
    if (tree.status !== 'found') return;
    expect(tree.kind).toBe('directory');
    expect([...tree.files]).toEqual([
      ['base/deployment.yaml', 'kind: Deployment\n'],
      ['base/nëw name.yaml', 'kind: Service\n'],
      ['kustomization.yaml', 'resources: [base]\n'],
    ]);
    expect(tree.skipped).toEqual([
      { path: 'base/escape.yaml', reason: 'symlink' },
      { path: 'vendored', reason: 'submodule' },
    ]);
  });

  it('reads one file keyed by its base name, and reports absent paths as missing', async () => {
    const file = await read('./deploy/k8s/base/deployment.yaml');
    expect(file).toEqual({ status: 'found', kind: 'file', files: new Map([['deployment.yaml', 'kind: Deployment\n']]), skipped: [] });
    expect(await read('deploy/absent')).toEqual({ status: 'missing' });
    expect(await read('deploy/k8')).toEqual({ status: 'missing' }); // a prefix of a name is not a path
  });

  it('refuses paths that leave the repository', async () => {
    for (const bad of ['../secrets', 'deploy/../../x', '/etc/passwd']) {
      const error = await read(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitError);
      expect(error).toMatchObject({ code: 'INVALID_INPUT', disposition: 'permanent' });
    }
  });

  it('reports each limit before reading content: file count, file size (also a blob the mirror left out), total', async () => {
    expect(await read('deploy/k8s', { maxFiles: 2 })).toEqual({ status: 'too-large', limit: 'files', count: 3 });
    expect(await read('deploy/k8s', { maxFileBytes: 16 })).toEqual({
      status: 'too-large',
      limit: 'file-bytes',
      path: 'base/deployment.yaml',
      size: 17,
    });
    expect(await read('deploy/big')).toEqual({ status: 'too-large', limit: 'file-bytes', path: 'huge.yaml' });
    expect(await read('deploy/k8s', { maxTotalBytes: 40 })).toEqual({ status: 'too-large', limit: 'total-bytes', count: 49 });
  });

  it('fails with RANGE_UNAVAILABLE for a commit the mirror does not have', async () => {
    const other = await openTestCache();
    const error = await other
      .withMirror(testHost(server), id, (mirror) => readTreeAt(mirror, commit, 'deploy/k8s'))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RANGE_UNAVAILABLE' });
  });
});
