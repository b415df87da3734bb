import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatFileSession } from './cat-file.session.js';

describe('CatFileSession batches', () => {
  let repo: string;
  let sut: CatFileSession;
  const oids: Record<string, string> = {};
  const absent = 'f'.repeat(40);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: { PATH: process.env['PATH'], HOME: repo, GIT_CONFIG_NOSYSTEM: '1' } }).toString().trim();

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'portcullis-cat-file-'));
    git('init', '--quiet', '-b', 'main');
    for (const [name, content] of Object.entries({ small: 'tiny\n', medium: 'm'.repeat(2000), empty: '' })) {
      await writeFile(join(repo, name), content);
      oids[name] = git('hash-object', '-w', name);
    }
    sut = new CatFileSession(join(repo, '.git'), 10_000);
  });

  afterAll(async () => {
    sut.close();
    await rm(repo, { recursive: true, force: true });
  });

  it('answers infoMany in request order, duplicates and missing objects included', async () => {
    expect(await sut.infoMany([oids['medium']!, absent, oids['small']!, oids['medium']!])).toEqual([
      { oid: oids['medium'], type: 'blob', size: 2000 },
      { oid: absent, missing: true },
      { oid: oids['small'], type: 'blob', size: 5 },
      { oid: oids['medium'], type: 'blob', size: 2000 },
    ]);
    expect(await sut.infoMany([])).toEqual([]);
  });

  it('answers more objects than one batch holds', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => (i % 2 === 0 ? oids['small']! : oids['medium']!));
    expect((await sut.infoMany(many)).map((info) => ('size' in info ? info.size : -1))).toEqual(many.map((_, i) => (i % 2 === 0 ? 5 : 2000)));
  });

  it('reads contentsMany up to maxBytes: larger and missing blobs are undefined, the rest exact', async () => {
    const contents = await sut.contentsMany([oids['small']!, oids['medium']!, absent, oids['empty']!, oids['small']!], 1024);
    expect(contents.map((c) => c?.toString('utf8'))).toEqual(['tiny\n', undefined, undefined, '', 'tiny\n']);
  });

  it('refuses a name with a line break before sending anything, and keeps answering afterwards', async () => {
    await expect(sut.infoMany([oids['small']!, 'HEAD\ninfo HEAD'])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(sut.contentsMany(['x\n'], 10)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await sut.info(oids['small']!)).toEqual({ oid: oids['small'], type: 'blob', size: 5 });
  });
});
