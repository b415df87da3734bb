import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GitMirrorCache,
  listPushedChanges,
  resolvePushedRange,
  type GitHostConfig,
  type GitLimits,
  type PushedChange,
  type PushedRange,
  type PushRequest,
} from '../src/index.js';

const created: string[] = [];

/** A cache in a fresh temp directory (removed by `removeTestCaches`). */
export function openTestCache(maxBytes = 512 * 1024 * 1024, limits: Partial<GitLimits> = {}): Promise<GitMirrorCache> {
  const directory = mkdtempSync(join(tmpdir(), 'portcullis-git-cache-'));
  created.push(directory);
  return GitMirrorCache.open({ directory, maxBytes, limits: { fetchTimeoutMs: 60_000, commandTimeoutMs: 30_000, ...limits } });
}

/** Resolves the range of `push` and drains its changes, as the secret-auditor would. */
export async function audit(
  cache: GitMirrorCache,
  host: GitHostConfig,
  repo: { owner: string; name: string },
  push: PushRequest,
): Promise<{ range: PushedRange; changes: PushedChange[] }> {
  return cache.withMirror(host, repo, async (mirror) => {
    const range = await resolvePushedRange(mirror, push);
    const changes: PushedChange[] = [];
    for await (const change of listPushedChanges(mirror, range)) changes.push(change);
    return { range, changes };
  });
}

/** Deletes the directories of every cache `openTestCache` made in this file. */
export function removeTestCaches(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
