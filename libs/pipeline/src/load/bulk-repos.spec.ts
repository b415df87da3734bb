import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BulkRepoInput, createBulkRepos, fastImportStream, parseMarks, publishRelease } from './bulk-repos.js';

const repos: BulkRepoInput[] = [
  { name: 'c000-r00000', base: { 'README.md': '# a\n', 'src/v.ts': 'base\n' }, release: { 'src/v.ts': 'release ü\n' }, releaseMessage: 'Release 0' },
  { name: 'c001-r00001', base: { 'README.md': '# b\n' }, release: { 'src/new.ts': 'x\n' }, releaseMessage: 'Release 1' },
];

describe('fastImportStream', () => {
  it('gives each repository a base commit and a release commit on top of it, sizes in bytes', () => {
    const sut = fastImportStream(repos, 1_700_000_000);
    expect(sut).toContain('commit refs/heads/c000-r00000\nmark :1\n');
    expect(sut).toContain('commit refs/heads/c000-r00000\nmark :2\n');
    expect(sut).toContain('from :1\n');
    expect(sut).toContain('commit refs/heads/c001-r00001\nmark :4\n');
    expect(sut).toContain('from :3\n');
    expect(sut).toContain(`data ${Buffer.byteLength('release ü\n')}\nrelease ü\n`);
    expect(sut.endsWith('done\n')).toBe(true);
  });
});

describe('parseMarks', () => {
  it('reads the marks file', () => {
    expect(parseMarks(`:1 ${'a'.repeat(40)}\n:2 ${'b'.repeat(40)}\n`)).toEqual(new Map([[1, 'a'.repeat(40)], [2, 'b'.repeat(40)]]));
  });
});

describe('createBulkRepos (the machine’s git, a temporary directory)', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('creates bare repositories whose main is the base until the release is published', async () => {
    root = mkdtempSync(join(tmpdir(), 'bulk-repos-'));
    const sut = await createBulkRepos(root, 'owner', repos);
    const git = (name: string, ...args: string[]) => execFileSync('git', [`--git-dir=${join(root!, 'owner', `${name}.git`)}`, ...args], { encoding: 'utf8' }).trim();
    const first = sut.get('c000-r00000')!;
    expect(git('c000-r00000', 'rev-parse', 'main')).toBe(first.base);
    expect(git('c000-r00000', 'rev-parse', `${first.release}^`)).toBe(first.base);
    publishRelease(root, 'owner', 'c000-r00000', first.release);
    expect(git('c000-r00000', 'rev-parse', 'main')).toBe(first.release);
    expect(git('c000-r00000', 'show', 'main:src/v.ts')).toBe('release ü');
    expect(git('c000-r00000', 'show', 'main:README.md')).toBe('# a');
    expect(git('c001-r00001', 'ls-tree', '--name-only', '-r', sut.get('c001-r00001')!.release).split('\n')).toEqual(['README.md', 'src/new.ts']);
  });
});
