import { GitError } from '../git.error.js';
import type { GitMirror } from '../mirror/git-mirror.js';
import { runGit, runGitOk } from '../process/git-process.js';
import { assertOid } from './push-input.js';

/** Outcome of reading one file at a commit. */
export type FileAtCommit =
  | { status: 'found'; content: Buffer }
  | { status: 'missing' }
  /** Over `maxBytes`, or left out of the mirror by the partial-clone size filter (`size` unknown). */
  | { status: 'too-large'; size?: number };

/**
 * Reads `path` (exact, no globbing) at `commit` from a fetched mirror, at most `maxBytes`.
 * Directories, submodules and absent paths are `missing`.
 */
export async function readFileAt(mirror: GitMirror, commit: string, path: string, maxBytes: number): Promise<FileAtCommit> {
  assertOid(commit, 'commit');
  if (path.length === 0 || path.includes('\0') || path.startsWith('/')) {
    throw new GitError('INVALID_INPUT', 'path must be a non-empty relative path');
  }
  if (!(await mirror.hasCommit(commit))) {
    throw new GitError('RANGE_UNAVAILABLE', `commit ${commit} is not in the mirror of ${mirror.cloneUrl}`);
  }
  const entry = await treeEntry(mirror, commit, path);
  if (!entry || entry.type !== 'blob') return { status: 'missing' };
  const check = await runGitOk(['cat-file', '--batch-check'], mirror.readOptions({ stdin: `${entry.oid}\n` }));
  const m = /^[0-9a-f]+ blob (\d+)/.exec(check.toString('latin1'));
  if (!m) return { status: 'too-large' }; // "<oid> missing": filtered out by the partial clone
  const size = Number(m[1]);
  if (size > maxBytes) return { status: 'too-large', size };
  const blob = await runGit(['cat-file', 'blob', entry.oid], mirror.readOptions({ maxOutputBytes: maxBytes }));
  if (blob.exitCode !== 0) throw new GitError('GIT_FAILED', `git cat-file blob failed (exit ${blob.exitCode})`);
  return { status: 'found', content: blob.stdout };
}

/** The tree entry for exactly `path` at `commit` (literal pathspec, `-z`: no quoting). */
export async function treeEntry(
  mirror: GitMirror,
  commit: string,
  path: string,
): Promise<{ mode: string; type: string; oid: string } | undefined> {
  const out = await runGitOk(['ls-tree', '-z', '--full-tree', commit, '--', path], mirror.readOptions());
  for (const record of out.toString('utf8').split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, oid] = record.slice(0, tab).split(' ');
    if (record.slice(tab + 1) === path) return { mode: mode!, type: type!, oid: oid! };
  }
  return undefined;
}
