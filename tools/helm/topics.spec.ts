import { allTopicSpecs } from '@portcullis/contracts';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// tools/helm/topics.mjs runs on the build output of libs/contracts (libs/contracts/dist), like the
// other generators; these tests run it as CI does, as a separate node process.
const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, 'topics.mjs');
const COMMITTED = join(import.meta.dirname, '../../deploy/helm/portcullis/files/topics.json');

async function topicsMjs(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'helm-topics-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tools/helm/topics.mjs', () => {
  it('writes every topic of libs/contracts with its companions, partitions and retention', async () => {
    const out = join(dir, 'written.json');
    const result = await topicsMjs(['--out', out]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(await readFile(out, 'utf8')) as { topics: { name: string; partitions: number; retentionMs: number; purpose: string }[] };
    expect(doc.topics.map(({ name, partitions, retentionMs, purpose }) => ({ name, partitions, retentionMs, purpose }))).toEqual(
      allTopicSpecs().map(({ name, partitions, retentionMs, purpose }) => ({ name, partitions, retentionMs, purpose })),
    );
  });

  it('--check passes on a fresh file and writes nothing', async () => {
    const out = join(dir, 'fresh.json');
    await topicsMjs(['--out', out]);
    const before = await readFile(out, 'utf8');
    const result = await topicsMjs(['--check', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('up to date');
    expect(await readFile(out, 'utf8')).toBe(before);
  });

  it('--check fails with exit code 1 on a stale or missing file and says how to fix it', async () => {
    const out = join(dir, 'stale.json');
    await topicsMjs(['--out', out]);
    const doc = JSON.parse(await readFile(out, 'utf8')) as { topics: { partitions: number }[] };
    doc.topics[0]!.partitions = 3;
    await writeFile(out, `${JSON.stringify(doc, null, 2)}\n`);
    const stale = await topicsMjs(['--check', '--out', out]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('stale');
    expect(stale.stderr).toContain('npm run helm:topics');
    expect((await topicsMjs(['--check', '--out', join(dir, 'missing.json')])).code).toBe(1);
  });

  it('the committed chart file is up to date', async () => {
    const copy = join(dir, 'committed.json');
    await copyFile(COMMITTED, copy);
    expect((await topicsMjs(['--check', '--out', copy])).code).toBe(0);
  });
});
