import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTrackedFiles } from './local-repository.js';

describe('listTrackedFiles', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: { PATH: process.env['PATH'], HOME: repo, GIT_CONFIG_NOSYSTEM: '1' } });

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'portcullis-tracked-'));
    git('init', '--quiet', '-b', 'main');
    await mkdir(join(repo, 'src', 'deep'), { recursive: true });
    await writeFile(join(repo, 'src', 'deep', 'a file.ts'), 'x\n');
    await writeFile(join(repo, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(join(repo, '.gitignore'), 'ignored.txt\n');
    await writeFile(join(repo, 'ignored.txt'), 'x\n');
    await writeFile(join(repo, 'untracked.txt'), 'x\n');
    await symlink('/etc/passwd', join(repo, 'link'));
    git('add', 'src', 'run.sh', '.gitignore', 'link');
  });

  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('lists the regular files of the index (staged ones too), not ignored, untracked or symbolic links', async () => {
    expect((await listTrackedFiles(repo)).sort()).toEqual(['.gitignore', 'run.sh', 'src/deep/a file.ts']);
  });

  it('lists paths relative to a subdirectory', async () => {
    expect(await listTrackedFiles(join(repo, 'src'))).toEqual(['deep/a file.ts']);
  });

  it('refuses a directory outside any work tree as bad input', async () => {
    await expect(listTrackedFiles(tmpdir())).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
