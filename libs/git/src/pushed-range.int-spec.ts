import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitError, listPushedChanges, readFileAt, resolveHistory, resolvePushedRange, type GitMirrorCache, type PushedChange } from './index.js';
import { audit, openTestCache, removeTestCaches } from '../test/audit-helpers.js';
import { createRemoteRepo, gitServerEnv, testHost, uniqueOwner, WorkTree, ZERO, type GitServerEnv } from '@portcullis/testing';

const lines = (changes: PushedChange[]) =>
  changes.filter((c) => c.kind === 'lines').map((c) => ({ commit: c.commit, path: c.path, added: c.addedLines.map((l) => `${l.line}:${l.text}`) }));
const skips = (changes: PushedChange[]) => changes.filter((c) => c.kind === 'skipped').map((c) => ({ path: c.path, reason: c.reason }));

describe('resolvePushedRange + listPushedChanges against a real git smart-HTTP server', () => {
  let server: GitServerEnv;
  let owner: string;
  let cache: GitMirrorCache;
  const trees: WorkTree[] = [];

  function repo(name: string): { wt: WorkTree; id: { owner: string; name: string } } {
    createRemoteRepo(server, owner, name);
    const wt = new WorkTree(server, owner, name);
    trees.push(wt);
    return { wt, id: { owner, name } };
  }

  beforeAll(async () => {
    server = gitServerEnv();
    owner = uniqueOwner('range');
    cache = await openTestCache(512 * 1024 * 1024, { maxFileBytes: 64 * 1024 });
  });
  afterAll(() => {
    trees.forEach((t) => t.remove());
    removeTestCaches();
  });

  it('audits exactly before..after of a fast-forward push, with new-side line numbers', async () => {
    const { wt, id } = repo('normal');
    wt.write('app.env', 'A=1\nB=2\n');
    const c1 = wt.commit('one');
    wt.push('HEAD:refs/heads/main');
    wt.write('app.env', 'A=1\nTOKEN=first\nB=2\n');
    const c2 = wt.commit('two');
    wt.write('notes.txt', 'no newline at end');
    const c3 = wt.commit('three');
    wt.push('HEAD:refs/heads/main');

    const { range, changes } = await audit(cache, testHost(server), id, { ref: 'refs/heads/main', before: c1, after: c3 });

    expect(range.mode).toBe('update');
    expect(range.commits.map((c) => c.oid)).toEqual([c2, c3]);
    expect(range.commits[0]!.author).toBe('Test Author <author@example.com>');
    expect(lines(changes)).toEqual([
      { commit: c2, path: 'app.env', added: ['2:TOKEN=first'] },
      { commit: c3, path: 'notes.txt', added: ['1:no newline at end'] },
    ]);
  });

  it('sweeps the whole history of a branch, from its first commit, whatever other refs hold', async () => {
    const { wt, id } = repo('history');
    wt.write('a.txt', 'TOKEN=one\n');
    const c1 = wt.commit('one');
    wt.write('b.txt', 'TOKEN=two\n');
    const c2 = wt.commit('two');
    wt.push('HEAD:refs/heads/main', 'HEAD:refs/heads/copy');
    wt.write('c.txt', 'TOKEN=three\n');
    const c3 = wt.commit('three');
    wt.push('HEAD:refs/heads/main');

    const { range, changes } = await cache.withMirror(testHost(server), id, async (mirror) => {
      const swept = await resolveHistory(mirror, 'refs/heads/main');
      const listed: PushedChange[] = [];
      for await (const change of listPushedChanges(mirror, swept)) listed.push(change);
      return { range: swept, changes: listed };
    });
    expect(range).toMatchObject({ mode: 'history', before: ZERO, after: c3, totalCommits: 3, truncated: false });
    expect(range.commits.map((c) => c.oid)).toEqual([c1, c2, c3]);
    expect(lines(changes).map((l) => l.path)).toEqual(['a.txt', 'b.txt', 'c.txt']);
    await expect(cache.withMirror(testHost(server), id, (mirror) => resolveHistory(mirror, 'refs/heads/absent'))).rejects.toMatchObject({
      code: 'RANGE_UNAVAILABLE',
    });
  });

  it('lists only the new commits of a new branch that shares history with main', async () => {
    const { wt, id } = repo('branch');
    wt.write('a.txt', 'base\n');
    wt.commit('base');
    wt.write('a.txt', 'base\nmain-2\n');
    wt.commit('main 2');
    wt.push('HEAD:refs/heads/main');
    wt.git('checkout', '--quiet', '-b', 'feature');
    wt.write('f.txt', 'feature work\n');
    const f1 = wt.commit('f1');
    wt.write('f.txt', 'feature work\nmore\n');
    const f2 = wt.commit('f2');
    wt.push('HEAD:refs/heads/feature');

    const { range, changes } = await audit(cache, testHost(server), id, { ref: 'refs/heads/feature', before: ZERO, after: f2 });

    expect(range.mode).toBe('new-ref');
    expect(range.commits.map((c) => c.oid)).toEqual([f1, f2]);
    expect(lines(changes).map((l) => l.added)).toEqual([['1:feature work'], ['2:more']]);
  });

  it('audits only the rewritten commits of a force push', async () => {
    const { wt, id } = repo('force');
    wt.write('a.txt', 'one\n');
    const c1 = wt.commit('c1');
    wt.write('a.txt', 'one\ntwo\n');
    const c2 = wt.commit('c2');
    wt.push('HEAD:refs/heads/main');
    wt.git('reset', '--quiet', '--hard', c1);
    wt.write('a.txt', 'one\nrewritten\n');
    const c3 = wt.commit('c3');
    wt.push('--force', 'HEAD:refs/heads/main');

    const { range, changes } = await audit(cache, testHost(server), id, { ref: 'refs/heads/main', before: c2, after: c3 });

    expect(range.mode).toBe('force');
    expect(range.commits.map((c) => c.oid)).toEqual([c3]);
    expect(lines(changes)).toEqual([{ commit: c3, path: 'a.txt', added: ['2:rewritten'] }]);
  });

  it('falls back to the new-branch rule when before is gone from the provider', async () => {
    const { wt, id } = repo('gone');
    wt.write('a.txt', 'one\n');
    wt.commit('c1');
    wt.push('HEAD:refs/heads/main');
    wt.write('b.txt', 'two\n');
    const c2 = wt.commit('c2');
    wt.push('HEAD:refs/heads/main');
    const neverPushed = 'f'.repeat(40);

    const { range } = await audit(cache, testHost(server), id, { ref: 'refs/heads/main', before: neverPushed, after: c2 });

    expect(range.mode).toBe('new-ref');
    expect(range.beforeUnavailable).toBe(true);
    expect(range.commits.map((c) => c.oid)).toEqual(expect.arrayContaining([c2]));
  });

  it('audits a tagged commit that is on no branch, and nothing for a tag on main', async () => {
    const { wt, id } = repo('tags');
    wt.write('a.txt', 'main\n');
    const onMain = wt.commit('main');
    wt.push('HEAD:refs/heads/main');
    wt.git('tag', 'v1', onMain);
    wt.git('checkout', '--quiet', '--detach');
    wt.write('release.txt', 'release only\n');
    const detached = wt.commit('release');
    wt.git('tag', '-a', '-m', 'annotated', 'v2', detached);
    wt.push('refs/tags/v1', 'refs/tags/v2');

    const onBranch = await audit(cache, testHost(server), id, { ref: 'refs/tags/v1', before: ZERO, after: onMain });
    const offBranch = await audit(cache, testHost(server), id, { ref: 'refs/tags/v2', before: ZERO, after: detached });

    expect(onBranch.range.mode).toBe('tag');
    expect(onBranch.range.commits).toEqual([]);
    expect(offBranch.range.commits.map((c) => c.oid)).toEqual([detached]);
    expect(lines(offBranch.changes)).toEqual([{ commit: detached, path: 'release.txt', added: ['1:release only'] }]);
  });

  it('has nothing to audit for a deleted ref and does not even contact the provider', async () => {
    const id = { owner, name: 'never-created' };
    const { range, changes } = await audit(cache, testHost(server), id, { ref: 'refs/heads/old', before: 'a'.repeat(40), after: ZERO });
    expect(range.mode).toBe('delete');
    expect(range.commits).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('skips a huge file as TOO_LARGE without downloading it, and binaries and LFS pointers explicitly', async () => {
    const { wt, id } = repo('skips');
    wt.write('small.txt', 'ok\n');
    const c1 = wt.commit('base');
    wt.push('HEAD:refs/heads/main');
    wt.write('huge.txt', `${'x'.repeat(80)}\n`.repeat(40_000)); // ~3.2 MB of text, over the 64 KiB limit
    wt.write('random.bin', randomBytes(2 * 1024 * 1024)); // incompressible: would dominate the pack if fetched
    wt.write('img.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), Buffer.from('TOKEN=hidden-in-binary')]));
    wt.write('model.bin', `version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\nsize 99999999\n`);
    wt.write('small.txt', 'ok\nadded\n');
    const c2 = wt.commit('big stuff');
    wt.push('HEAD:refs/heads/main');

    const host = testHost(server);
    const { changes } = await audit(cache, host, id, { ref: 'refs/heads/main', before: c1, after: c2 });

    expect(skips(changes)).toEqual(
      expect.arrayContaining([
        { path: 'huge.txt', reason: 'TOO_LARGE' },
        { path: 'random.bin', reason: 'TOO_LARGE' },
        { path: 'img.png', reason: 'BINARY' },
        { path: 'model.bin', reason: 'LFS_POINTER' },
      ]),
    );
    expect(skips(changes)).toHaveLength(4);
    expect(lines(changes)).toEqual([{ commit: c2, path: 'small.txt', added: ['2:added'] }]);
    const sizePackKiB = await cache.withMirror(host, id, async (mirror) => {
      const out = execFileSync('git', ['--git-dir', mirror.gitDir, 'count-objects', '-v']).toString();
      return Number(/size-pack: (\d+)/.exec(out)![1]);
    });
    expect(sizePackKiB).toBeLessThan(256); // the 2 MiB random blob was never downloaded
    // …and the mirror is no promisor after the filtered fetch, so no later read downloads it either.
    const promisorConfig = await cache.withMirror(host, id, async (mirror) =>
      readFileSync(join(mirror.gitDir, 'config'), 'utf8')
        .split('\n')
        .filter((line) => /promisor|partialclone/i.test(line)),
    );
    expect(promisorConfig).toEqual([]);

    // deleting the blobs that were never downloaded must not make git try to print them
    wt.git('rm', '--quiet', 'huge.txt', 'random.bin');
    wt.write('later.txt', 'after delete\n');
    const c3 = wt.commit('delete big stuff');
    wt.push('HEAD:refs/heads/main');
    const after = await audit(cache, host, id, { ref: 'refs/heads/main', before: c2, after: c3 });
    expect(after.changes).toEqual([
      { kind: 'lines', commit: c3, author: 'Test Author <author@example.com>', path: 'later.txt', addedLines: [{ line: 1, text: 'after delete' }] },
    ]);
  });

  it('scans every line of a small file that replaced one too large to diff against', async () => {
    const { wt, id } = repo('shrunk');
    wt.write('data.txt', randomBytes(100 * 1024).toString('hex'));
    const c1 = wt.commit('huge');
    wt.push('HEAD:refs/heads/main');
    wt.write('data.txt', 'short\nTOKEN=after-shrink\n');
    const c2 = wt.commit('shrink');
    wt.push('HEAD:refs/heads/main');

    const { changes } = await audit(cache, testHost(server), id, { ref: 'refs/heads/main', before: c1, after: c2 });

    expect(lines(changes)).toEqual([{ commit: c2, path: 'data.txt', added: ['1:short', '2:TOKEN=after-shrink'] }]);
    expect(skips(changes)).toEqual([]);
  });

  it('reports a rename with its added lines, paths with spaces and unicode, and changed manifests in full', async () => {
    const { wt, id } = repo('rename');
    const body = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n') + '\n';
    wt.write('old name.txt', body);
    wt.write('deploy/values.yaml', 'replicas: 1\n');
    const c1 = wt.commit('base');
    wt.push('HEAD:refs/heads/main');
    wt.git('mv', 'old name.txt', 'nëw "name".txt');
    wt.write('nëw "name".txt', body + 'password=hunter2\n');
    wt.write('deploy/values.yaml', 'replicas: 2\nimage: app\n');
    wt.write('.portcullis.yaml', 'secrets:\n  allow: []\n');
    const c2 = wt.commit('rename');
    wt.push('HEAD:refs/heads/main');

    const host = testHost(server);
    const { changes } = await audit(cache, host, id, { ref: 'refs/heads/main', before: c1, after: c2 });

    const renamed = changes.find((c) => c.kind === 'lines' && c.path === 'nëw "name".txt');
    expect(renamed).toMatchObject({ previousPath: 'old name.txt', addedLines: [{ line: 21, text: 'password=hunter2' }] });
    const manifests = changes.filter((c) => c.kind === 'manifest').map((c) => ({ path: c.path, content: c.content }));
    expect(manifests).toEqual([
      { path: '.portcullis.yaml', content: 'secrets:\n  allow: []\n' },
      { path: 'deploy/values.yaml', content: 'replicas: 2\nimage: app\n' },
    ]);

    const config = await cache.withMirror(host, id, (mirror) => readFileAt(mirror, c2, '.portcullis.yaml', 1024));
    expect(config.status === 'found' && config.content.toString()).toBe('secrets:\n  allow: []\n');
    const absent = await cache.withMirror(host, id, (mirror) => readFileAt(mirror, c1, '.portcullis.yaml', 1024));
    expect(absent.status).toBe('missing');
    const tooBig = await cache.withMirror(host, id, (mirror) => readFileAt(mirror, c2, 'deploy/values.yaml', 5));
    expect(tooBig).toEqual({ status: 'too-large', size: 23 });
  });

  it('caps the commits of one push at maxCommits (newest kept) and reports the cut', async () => {
    const small = await openTestCache(512 * 1024 * 1024, { maxCommits: 2 });
    const { wt, id } = repo('cap');
    const ids = [1, 2, 3, 4].map((i) => {
      wt.write(`f${i}.txt`, `${i}\n`);
      return wt.commit(`c${i}`);
    });
    wt.push('HEAD:refs/heads/main');

    const { range, changes } = await audit(small, testHost(server), id, { ref: 'refs/heads/main', before: ZERO, after: ids[3]! });

    expect(range.totalCommits).toBe(4);
    expect(range.truncated).toBe(true);
    expect(range.commits.map((c) => c.oid)).toEqual([ids[2], ids[3]]);
    expect(lines(changes).map((l) => l.path)).toEqual(['f3.txt', 'f4.txt']);
  });

  it('fails with AUTH_FAILED (permanent) for a wrong password and never leaks it', async () => {
    const { wt, id } = repo('auth');
    wt.write('a.txt', 'x\n');
    const c1 = wt.commit('c1');
    wt.push('HEAD:refs/heads/main');
    const wrong = testHost(server, { username: server.user, token: 'wrong-password-value' });

    const error = await audit(cache, wrong, id, { ref: 'refs/heads/main', before: ZERO, after: c1 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).code).toBe('AUTH_FAILED');
    expect((error as GitError).disposition).toBe('permanent');
    expect((error as GitError).message).not.toContain('wrong-password-value');
    expect((error as GitError).message).not.toContain(Buffer.from(`${server.user}:wrong-password-value`).toString('base64'));
  });

  it('fails with REPOSITORY_NOT_FOUND (permanent) for a missing repository', async () => {
    const error = await cache
      .withMirror(testHost(server), { owner, name: 'does-not-exist' }, (mirror) =>
        resolvePushedRange(mirror, { ref: 'refs/heads/main', before: ZERO, after: 'a'.repeat(40) }),
      )
      .catch((e: unknown) => e);
    expect((error as GitError).code).toBe('REPOSITORY_NOT_FOUND');
    expect((error as GitError).retryable).toBe(false);
  });

  it('kills a fetch that exceeds its time limit and fails with TIMEOUT (retryable)', async () => {
    const { wt, id } = repo('slow');
    wt.write('a.txt', 'x\n');
    const c1 = wt.commit('c1');
    wt.push('HEAD:refs/heads/main');
    const impatient = await openTestCache(512 * 1024 * 1024, { fetchTimeoutMs: 1 });

    const error = await audit(impatient, testHost(server), id, { ref: 'refs/heads/main', before: ZERO, after: c1 }).catch((e: unknown) => e);

    expect((error as GitError).code).toBe('TIMEOUT');
    expect((error as GitError).disposition).toBe('retry');
  });

  it('fails with RANGE_UNAVAILABLE when the pushed commit does not exist on the provider', async () => {
    const { wt, id } = repo('unavailable');
    wt.write('a.txt', 'x\n');
    wt.commit('c1');
    wt.push('HEAD:refs/heads/main');
    const error = await audit(cache, testHost(server), id, { ref: 'refs/heads/main', before: ZERO, after: 'e'.repeat(40) }).catch(
      (e: unknown) => e,
    );
    expect((error as GitError).code).toBe('RANGE_UNAVAILABLE');
  });
});
