import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRange } from './local-blob.js';
import { TarIndex } from './tar-index.js';

let work: string;
const longName = `${'deep/'.repeat(40)}file.txt`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'portcullis-tar-index-'));
  const tree = join(work, 'tree');
  await mkdir(join(tree, 'abc'), { recursive: true });
  await writeFile(join(tree, 'manifest.json'), '[{"Config":"c.json"}]');
  await writeFile(join(tree, 'abc', 'layer.tar'), Buffer.alloc(1500, 7));
  await mkdir(join(tree, 'def'));
  await symlink('../abc/layer.tar', join(tree, 'def', 'layer.tar'));
  await mkdir(join(tree, longName.split('/').slice(0, -1).join('/')), { recursive: true });
  await writeFile(join(tree, longName), 'long');
  // GNU tar writes long names as 'L' entries, pax tar as 'x' records: both must be understood.
  execFileSync('tar', ['-cf', join(work, 'gnu.tar'), '--format=gnu', '-C', tree, '.']);
  execFileSync('tar', ['-cf', join(work, 'pax.tar'), '--format=pax', '-C', tree, '.']);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('TarIndex', () => {
  for (const format of ['gnu', 'pax']) {
    it(`finds files of a ${format} archive by name, follows symlinks and long names`, async () => {
      const sut = await TarIndex.read(join(work, `${format}.tar`));
      expect((await readRange(sut.get('manifest.json')!, 1000, 'm')).toString()).toBe('[{"Config":"c.json"}]');
      const layer = sut.get('abc/layer.tar')!;
      expect(layer.length).toBe(1500);
      expect(sut.get('./def/layer.tar')).toEqual(layer);
      expect((await readRange(sut.get(longName)!, 100, 'l')).toString()).toBe('long');
      expect(sut.get('missing.json')).toBeUndefined();
      expect(sut.get('../abc/layer.tar')).toBeUndefined();
    });
  }

  it('refuses a file that is not a tar archive', async () => {
    const notTar = join(work, 'not.tar');
    await writeFile(notTar, Buffer.alloc(2048, 0x41));
    await expect(TarIndex.read(notTar)).rejects.toThrow(/not a readable tar archive/);
    const truncated = join(work, 'truncated.tar');
    const layer = (await TarIndex.read(join(work, 'gnu.tar'))).get('abc/layer.tar')!;
    await writeFile(truncated, (await readFile(join(work, 'gnu.tar'))).subarray(0, layer.start + 700));
    await expect(TarIndex.read(truncated)).rejects.toThrow(/not a readable tar archive/);
  });
});
