import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalRepository, resolveRevisionRange } from '../local/local-repository.js';
import { listPushedChanges, type PushedChange } from './pushed-changes.js';

describe('listPushedChanges on a local repository', () => {
  let repo: string;
  const commits: string[] = [];
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo, env: { PATH: process.env['PATH'], HOME: repo, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Ann', GIT_AUTHOR_EMAIL: 'ann@example.com', GIT_COMMITTER_NAME: 'Ann', GIT_COMMITTER_EMAIL: 'ann@example.com' } })
      .toString()
      .trim();
  const write = (path: string, content: string | Buffer) => writeFile(join(repo, path), content);
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '--quiet', '-m', message);
    commits.push(git('rev-parse', 'HEAD'));
  };

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'portcullis-pushed-changes-'));
    git('init', '--quiet', '-b', 'main');
    await mkdir(join(repo, 'deploy'));
    await write('README', 'base\n');
    commit('base');
    await write('app.txt', 'one\nthree\n');
    await write('model.bin', `version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\nsize 99999999\n`);
    await write('img.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 0x41]));
    await write('deploy/a.yaml', 'kind: A\n');
    await write('deploy/temp.yaml', 'kind: Temp\n');
    await write('notes.md', 'TOKEN=x\r\n');
    commit('many kinds of files');
    await write('app.txt', 'one\ntwo\nthree\n');
    await rm(join(repo, 'deploy', 'temp.yaml'));
    await write('deploy/b.yaml', `kind: B\n${'y: 2\n'.repeat(40)}`);
    await write('huge.txt', 'z'.repeat(70 * 1024));
    await write('tiny.txt', 't\n');
    commit('a file too large: listed file by file');
  });

  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('lists added lines, skips and changed manifests of each commit, in raw-diff order', async () => {
    const mirror = await openLocalRepository(repo, { maxFileBytes: 64 * 1024, maxManifestBytes: 100 });
    const range = await resolveRevisionRange(mirror, `${commits[0]}..${commits[2]}`);
    const changes: PushedChange[] = [];
    for await (const change of listPushedChanges(mirror, range)) changes.push(change);
    const [, c1, c2] = commits;
    const name = (oid: string) => (oid === c1 ? 'c1' : oid === c2 ? 'c2' : oid);
    const summary = changes.map((c) =>
      c.kind === 'lines'
        ? `${name(c.commit)} ${c.path} ${c.addedLines.map((l) => `${l.line}:${l.text}`).join('|')}`
        : c.kind === 'skipped'
          ? `${name(c.commit)} ${c.path} ${c.reason}`
          : `manifest ${c.path} ${JSON.stringify(c.content)}`,
    );
    expect(summary).toEqual([
      'c1 app.txt 1:one|2:three',
      'c1 deploy/a.yaml 1:kind: A',
      'c1 deploy/temp.yaml 1:kind: Temp',
      'c1 img.png BINARY',
      'c1 model.bin LFS_POINTER',
      'c1 notes.md 1:TOKEN=x',
      'c2 app.txt 2:two',
      `c2 deploy/b.yaml ${['1:kind: B', ...Array.from({ length: 40 }, (_, i) => `${i + 2}:y: 2`)].join('|')}`,
      'c2 huge.txt TOO_LARGE',
      'c2 tiny.txt 1:t',
      'manifest deploy/a.yaml "kind: A\\n"',
      'c2 deploy/b.yaml TOO_LARGE', // the manifest at the end of the range
    ]);
    expect(changes.find((c) => c.kind === 'skipped' && c.path === 'deploy/b.yaml')).toMatchObject({ detail: 'manifest 208 B > 100 B limit' });
  });
});
