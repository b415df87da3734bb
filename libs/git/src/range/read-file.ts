import { GitError } from '../git.error.js';
import type { GitMirror } from '../mirror/git-mirror.js';
import type { CatFileSession } from '../process/cat-file.session.js';
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

/**
 * `readFileAt` for many paths of one commit, in the order given, with the same outcomes: one
 * `ls-tree` per batch of paths and the blobs through `cat`, instead of four git processes per file.
 */
export async function* readFilesAt(
  mirror: GitMirror,
  cat: CatFileSession,
  commit: string,
  paths: readonly string[],
  maxBytes: number,
): AsyncGenerator<{ path: string; file: FileAtCommit }> {
  if (paths.length === 0) return;
  assertOid(commit, 'commit');
  if (paths.some((path) => path.length === 0 || path.includes('\0') || path.startsWith('/'))) {
    throw new GitError('INVALID_INPUT', 'path must be a non-empty relative path');
  }
  if (!(await mirror.hasCommit(commit))) {
    throw new GitError('RANGE_UNAVAILABLE', `commit ${commit} is not in the mirror of ${mirror.cloneUrl}`);
  }
  const entries = await treeEntries(mirror, commit, paths);
  const blobs = [...new Set([...entries.values()].filter((e) => e.type === 'blob').map((e) => e.oid))];
  const answers = await cat.infoMany(blobs);
  const infos = new Map(blobs.map((oid, i) => [oid, answers[i]!]));
  type Outcome = { path: string; file: FileAtCommit } | { path: string; oid: string; size: number };
  const outcomes = paths.map((path): Outcome => {
    const entry = entries.get(path);
    if (!entry || entry.type !== 'blob') return { path, file: { status: 'missing' } };
    const info = infos.get(entry.oid)!;
    if ('missing' in info) return { path, file: { status: 'too-large' } }; // filtered out by the partial clone
    if (info.size > maxBytes) return { path, file: { status: 'too-large', size: info.size } };
    return { path, oid: entry.oid, size: info.size };
  });
  // Contents in groups of up to READ_GROUP_BYTES (or one larger blob), so memory stays bounded.
  for (let from = 0; from < outcomes.length; ) {
    const oids: string[] = [];
    let to = from;
    for (let bytes = 0; to < outcomes.length; to++) {
      const outcome = outcomes[to]!;
      if ('file' in outcome) continue;
      if (oids.length > 0 && bytes + outcome.size > READ_GROUP_BYTES) break;
      oids.push(outcome.oid);
      bytes += outcome.size;
    }
    const contents = await cat.contentsMany(oids, maxBytes);
    let next = 0;
    for (const outcome of outcomes.slice(from, to)) {
      if ('file' in outcome) {
        yield outcome;
        continue;
      }
      const content = contents[next++];
      if (!content) throw new GitError('GIT_FAILED', `blob ${outcome.oid} vanished from the mirror`);
      yield { path: outcome.path, file: { status: 'found', content } };
    }
    from = to;
  }
}

/** A tree entry as `git ls-tree` prints it. */
export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
}

/** The tree entry for exactly `path` at `commit` (literal pathspec, `-z`: no quoting). */
export async function treeEntry(mirror: GitMirror, commit: string, path: string): Promise<TreeEntry | undefined> {
  return (await treeEntries(mirror, commit, [path])).get(path);
}

/** Blob bytes `readFilesAt` reads in one round trip. */
const READ_GROUP_BYTES = 4 * 1024 * 1024;

/** Path bytes per `ls-tree` call: far below the kernel's argument limits. */
const LS_TREE_ARGUMENT_BYTES = 64 * 1024;

/**
 * The tree entries for exactly `paths` at `commit`, keyed by path (absent paths have none): one
 * `ls-tree` per 64 KiB of paths rather than one per path, since a process start-up costs far
 * more than listing a path.
 */
export async function treeEntries(mirror: GitMirror, commit: string, paths: readonly string[]): Promise<Map<string, TreeEntry>> {
  const wanted = new Set(paths);
  const entries = new Map<string, TreeEntry>();
  for (let from = 0; from < paths.length; ) {
    let to = from;
    for (let bytes = 0; to < paths.length && (to === from || bytes + paths[to]!.length < LS_TREE_ARGUMENT_BYTES); to++) bytes += paths[to]!.length + 1;
    const out = await runGitOk(['ls-tree', '-z', '--full-tree', commit, '--', ...paths.slice(from, to)], mirror.readOptions({ maxOutputBytes: 64 * 1024 * 1024 }));
    for (const record of out.toString('utf8').split('\0')) {
      const tab = record.indexOf('\t');
      if (tab < 0) continue;
      const [mode, type, oid] = record.slice(0, tab).split(' ');
      const path = record.slice(tab + 1);
      if (wanted.has(path)) entries.set(path, { mode: mode!, type: type!, oid: oid! });
    }
    from = to;
  }
  return entries;
}
