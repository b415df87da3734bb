import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitMirrorCache, type GitMirror } from './index.js';
import { audit, openTestCache, removeTestCaches } from '../test/audit-helpers.js';
import { createRemoteRepo, gitServerEnv, testHost, uniqueOwner, WorkTree, ZERO, type GitServerEnv } from '@portcullis/testing';

describe('GitMirrorCache against a real git smart-HTTP server', () => {
  let server: GitServerEnv;
  let owner: string;
  const trees: WorkTree[] = [];
  const heads: Record<string, string> = {};

  /** A repository with one commit carrying `bytes` of incompressible (but text) content. */
  function seed(name: string, bytes: number): void {
    createRemoteRepo(server, owner, name);
    const wt = new WorkTree(server, owner, name);
    trees.push(wt);
    wt.write('data.txt', randomBytes(bytes / 2).toString('hex'));
    heads[name] = wt.commit('seed');
    wt.push('HEAD:refs/heads/main');
  }
  const push = (name: string) => ({ ref: 'refs/heads/main', before: ZERO, after: heads[name]! });

  beforeAll(() => {
    server = gitServerEnv();
    owner = uniqueOwner('cache');
    seed('one', 200_000);
    seed('two', 200_000);
    seed('three', 200_000);
  });
  afterAll(() => {
    trees.forEach((t) => t.remove());
    removeTestCaches();
  });

  it('fetches the provider refs once per lease (one snapshot per audit), and again in the next lease', async () => {
    const cache = await openTestCache();
    const host = testHost(server);
    createRemoteRepo(server, owner, 'snapshot');
    const wt = new WorkTree(server, owner, 'snapshot');
    trees.push(wt);
    wt.write('a.txt', 'a\n');
    wt.commit('a');
    wt.push('HEAD:refs/heads/main');
    const branchesSeen = await cache.withMirror(host, { owner, name: 'snapshot' }, async (mirror) => {
      await mirror.fetchRefs();
      wt.push('HEAD:refs/heads/later'); // appears at the provider during the lease
      await mirror.fetchRefs();
      return (await mirror.remoteRefs()).map((r) => r.ref);
    });
    expect(branchesSeen).toEqual(['refs/remotes/origin/heads/main']);
    const nextLease = await cache.withMirror(host, { owner, name: 'snapshot' }, async (mirror) => {
      await mirror.fetchRefs();
      return (await mirror.remoteRefs()).map((r) => r.ref).sort();
    });
    expect(nextLease).toEqual(['refs/remotes/origin/heads/later', 'refs/remotes/origin/heads/main']);
  });

  it('serves concurrent audits of the same repository and of different repositories', async () => {
    const cache = await openTestCache();
    const host = testHost(server);
    const results = await Promise.all([
      audit(cache, host, { owner, name: 'one' }, push('one')),
      audit(cache, host, { owner, name: 'one' }, push('one')),
      audit(cache, host, { owner, name: 'two' }, push('two')),
      audit(cache, host, { owner, name: 'three' }, push('three')),
    ]);
    expect(results.map((r) => r.range.commits.map((c) => c.oid))).toEqual([[heads['one']], [heads['one']], [heads['two']], [heads['three']]]);
    expect(results.every((r) => r.changes.some((c) => c.kind === 'lines' && c.path === 'data.txt'))).toBe(true);
    expect(cache.size).toBe(3);
  });

  it('runs work on one repository strictly one at a time', async () => {
    const cache = await openTestCache();
    const host = testHost(server);
    let active = 0;
    let maxActive = 0;
    const work = async (mirror: GitMirror) => {
      active++;
      maxActive = Math.max(maxActive, active);
      await mirror.fetchRefs();
      active--;
    };
    await Promise.all([1, 2, 3].map(() => cache.withMirror(host, { owner, name: 'one' }, work)));
    expect(maxActive).toBe(1);
  });

  it('evicts the least recently used mirror when over its byte budget', async () => {
    const probe = await openTestCache();
    await audit(probe, testHost(server), { owner, name: 'one' }, push('one'));
    const oneMirror = probe.totalBytes;
    expect(oneMirror).toBeGreaterThan(100_000);

    const sut = await openTestCache(Math.floor(oneMirror * 2.5));
    const host = testHost(server);
    await audit(sut, host, { owner, name: 'one' }, push('one'));
    await audit(sut, host, { owner, name: 'two' }, push('two'));
    await audit(sut, host, { owner, name: 'one' }, push('one')); // 'one' is now more recent than 'two'
    await audit(sut, host, { owner, name: 'three' }, push('three'));

    expect(sut.has(host, { owner, name: 'two' })).toBe(false);
    expect(sut.has(host, { owner, name: 'one' })).toBe(true);
    expect(sut.has(host, { owner, name: 'three' })).toBe(true);
    expect(sut.totalBytes).toBeLessThanOrEqual(Math.floor(oneMirror * 2.5));
  });

  it('recovers from lock files a crashed process left behind', async () => {
    const directory = join(tmpdir(), `portcullis-git-crash-${randomBytes(4).toString('hex')}`);
    const host = testHost(server);
    createRemoteRepo(server, owner, 'crash');
    const wt = new WorkTree(server, owner, 'crash');
    trees.push(wt);
    wt.write('a.txt', 'one\n');
    const c1 = wt.commit('c1');
    wt.push('HEAD:refs/heads/main');
    const first = await GitMirrorCache.open({ directory, maxBytes: 512 * 1024 * 1024 });
    const gitDir = await first.withMirror(host, { owner, name: 'crash' }, async (mirror) => {
      await mirror.fetchRefs();
      return mirror.gitDir;
    });
    wt.write('a.txt', 'one\ntwo\n');
    const c2 = wt.commit('c2');
    wt.push('HEAD:refs/heads/main');
    // what a process killed during `git fetch` leaves: the lock of the ref it was updating
    const refLock = join(gitDir, 'refs', 'remotes', 'origin', 'heads', 'main.lock');
    mkdirSync(dirname(refLock), { recursive: true });
    writeFileSync(refLock, 'stale\n');
    writeFileSync(join(gitDir, 'shallow.lock'), '');

    const second = await GitMirrorCache.open({ directory, maxBytes: 512 * 1024 * 1024 });
    const { range } = await audit(second, host, { owner, name: 'crash' }, { ref: 'refs/heads/main', before: c1, after: c2 });

    expect(range.commits.map((c) => c.oid)).toEqual([c2]);
    expect(existsSync(refLock)).toBe(false);
    rmSync(directory, { recursive: true, force: true });
  });
});
