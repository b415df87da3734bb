import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalRepository } from '../local/local-repository.js';
import type { GitMirror } from '../mirror/git-mirror.js';
import { CatFileSession } from '../process/cat-file.session.js';
import { readFileAt, readFilesAt, treeEntries } from './read-file.js';

describe('readFilesAt', () => {
  let repo: string;
  let mirror: GitMirror;
  let cat: CatFileSession;
  let head: string;
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo, env: { PATH: process.env['PATH'], HOME: repo, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } })
      .toString()
      .trim();
  // Long names: together well over one ls-tree call's worth of arguments (64 KiB).
  const longNames = Array.from({ length: 600 }, (_, i) => `many/${String(i).padStart(4, '0')}-${'n'.repeat(120)}.yaml`);

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'portcullis-read-files-'));
    git('init', '--quiet', '-b', 'main');
    await mkdir(join(repo, 'deploy', 'dir.yaml'), { recursive: true });
    await mkdir(join(repo, 'many'));
    await writeFile(join(repo, 'deploy', 'a.yaml'), 'kind: A\n');
    await writeFile(join(repo, 'deploy', 'big.yaml'), `kind: Big\n${'x: 1\n'.repeat(100)}`);
    await writeFile(join(repo, 'deploy', 'dir.yaml', 'inner.yaml'), 'kind: Inner\n');
    await writeFile(join(repo, 'deploy', 'same.yaml'), 'kind: A\n');
    // two blobs of 3 MiB: more than one read group of 4 MiB
    await writeFile(join(repo, 'deploy', 'huge-1.json'), `"${'1'.repeat(3 * 1024 * 1024)}"`);
    await writeFile(join(repo, 'deploy', 'huge-2.json'), `"${'2'.repeat(3 * 1024 * 1024)}"`);
    for (const [i, name] of longNames.entries()) await writeFile(join(repo, name), `n: ${i}\n`);
    git('add', '-A');
    git('commit', '--quiet', '-m', 'files');
    head = git('rev-parse', 'HEAD');
    mirror = await openLocalRepository(repo);
    cat = new CatFileSession(mirror.gitDir, 10_000);
  });

  afterAll(async () => {
    cat.close();
    await rm(repo, { recursive: true, force: true });
  });

  const read = async (paths: string[], maxBytes: number) => {
    const out: { path: string; status: string; size?: number; text?: string }[] = [];
    for await (const { path, file } of readFilesAt(mirror, cat, head, paths, maxBytes)) {
      out.push({ path, status: file.status, ...(file.status === 'too-large' && file.size !== undefined ? { size: file.size } : {}), ...(file.status === 'found' ? { text: file.content.toString('utf8') } : {}) });
    }
    return out;
  };

  it('answers like readFileAt for every path, in the order given: found, absent, a directory, too large', async () => {
    const paths = ['deploy/same.yaml', 'deploy/gone.yaml', 'deploy/dir.yaml', 'deploy/big.yaml', 'deploy/a.yaml'];
    const got = await read(paths, 100);
    expect(got).toEqual([
      { path: 'deploy/same.yaml', status: 'found', text: 'kind: A\n' },
      { path: 'deploy/gone.yaml', status: 'missing' },
      { path: 'deploy/dir.yaml', status: 'missing' },
      { path: 'deploy/big.yaml', status: 'too-large', size: 510 },
      { path: 'deploy/a.yaml', status: 'found', text: 'kind: A\n' },
    ]);
    for (const [i, path] of paths.entries()) {
      const one = await readFileAt(mirror, head, path, 100);
      expect(one.status).toBe(got[i]!.status);
    }
  });

  it('reads blobs larger together than one read group', async () => {
    const got = await read(['deploy/huge-1.json', 'deploy/a.yaml', 'deploy/huge-2.json'], 4 * 1024 * 1024);
    expect(got.map((f) => [f.path, f.status, f.text?.length])).toEqual([
      ['deploy/huge-1.json', 'found', 3 * 1024 * 1024 + 2],
      ['deploy/a.yaml', 'found', 8],
      ['deploy/huge-2.json', 'found', 3 * 1024 * 1024 + 2],
    ]);
    expect(got[2]!.text!.slice(0, 3)).toBe('"22');
  });

  it('finds every entry when the paths take more than one ls-tree call', async () => {
    const entries = await treeEntries(mirror, head, [...longNames, 'deploy/a.yaml', 'absent.yaml']);
    expect(entries.size).toBe(longNames.length + 1);
    expect(entries.get(longNames[599]!)).toMatchObject({ type: 'blob', mode: '100644' });
    const got = await read(longNames, 1024);
    expect(got.map((f) => f.text)).toEqual(longNames.map((_, i) => `n: ${i}\n`));
  });

  it('refuses a commit that is not in the repository', async () => {
    const gen = readFilesAt(mirror, cat, 'e'.repeat(40), ['deploy/a.yaml'], 100);
    await expect(gen.next()).rejects.toMatchObject({ code: 'RANGE_UNAVAILABLE' });
  });
});
