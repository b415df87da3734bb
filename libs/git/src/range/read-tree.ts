import { GitError } from '../git.error.js';
import type { GitMirror } from '../mirror/git-mirror.js';
import { CatFileSession } from '../process/cat-file.session.js';
import { runGitOk } from '../process/git-process.js';
import { assertOid } from './push-input.js';
import { treeEntry } from './read-file.js';

/** Bounds on one `readTreeAt`. */
export interface TreeLimits {
  /** At most this many files (blobs) under the path. */
  maxFiles: number;
  /** No single file larger than this. */
  maxFileBytes: number;
  /** All files together at most this large. */
  maxTotalBytes: number;
}

export const DEFAULT_TREE_LIMITS: TreeLimits = {
  maxFiles: 500,
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024,
};

/** Why an entry under the path was left out of `files`. */
export type TreeSkipReason =
  /** A symbolic link: its target could point outside the tree, so it is never followed. */
  | 'symlink'
  /** A git submodule (a commit of another repository): never fetched. */
  | 'submodule';

export interface TreeSkip {
  /** Relative to the requested path, like the keys of `files`. */
  path: string;
  reason: TreeSkipReason;
}

/** Outcome of reading a directory (or one file) at a commit. */
export type TreeAtCommit =
  | {
      status: 'found';
      /** Whether `path` named a directory (all files under it) or one file. */
      kind: 'directory' | 'file';
      /**
       * UTF-8 text of every regular file, keyed by its path relative to the requested directory
       * (`base/deployment.yaml`); for a single file, keyed by its base name. Sorted by path.
       */
      files: Map<string, string>;
      /** Entries left out, with the reason. */
      skipped: TreeSkip[];
    }
  /** Nothing at `path` in that commit. (A symlink or submodule there is `found`, empty, with the skip.) */
  | { status: 'missing' }
  /**
   * Over one of the limits. `path` names the offending file for `file-bytes` (`size` is unknown when
   * the partial-clone size filter left the blob out of the mirror); `count` is the number of files
   * or total bytes found for `files` / `total-bytes`.
   */
  | { status: 'too-large'; limit: 'files' | 'file-bytes' | 'total-bytes'; path?: string; size?: number; count?: number };

const MODE_SYMLINK = '120000';
const MODE_SUBMODULE = '160000';

/**
 * Reads every regular file under directory `path` (recursively) at `commit`, or the one file when
 * `path` names a file; `.` or `` reads the whole tree. Symlinks and submodules are skipped with a
 * reason, never followed. Sizes are checked against `limits` before any content is read, so an
 * oversized tree costs no more than its listing.
 */
export async function readTreeAt(
  mirror: GitMirror,
  commit: string,
  path: string,
  limits: Partial<TreeLimits> = {},
): Promise<TreeAtCommit> {
  assertOid(commit, 'commit');
  const bounds = { ...DEFAULT_TREE_LIMITS, ...limits };
  const dir = normalisePath(path);
  if (!(await mirror.hasCommit(commit))) {
    throw new GitError('RANGE_UNAVAILABLE', `commit ${commit} is not in the mirror of ${mirror.cloneUrl}`);
  }

  let listed: TreeRecord[];
  let kind: 'directory' | 'file';
  if (dir === '') {
    kind = 'directory';
    listed = await listTree(mirror, commit, undefined);
  } else {
    const entry = await treeEntry(mirror, commit, dir);
    if (!entry) return { status: 'missing' };
    if (entry.type === 'tree') {
      kind = 'directory';
      listed = (await listTree(mirror, commit, dir)).map((r) => ({ ...r, path: r.path.slice(dir.length + 1) }));
    } else {
      kind = 'file';
      listed = [{ ...entry, path: dir.slice(dir.lastIndexOf('/') + 1) }];
    }
  }

  const skipped: TreeSkip[] = [];
  const blobs: TreeRecord[] = [];
  for (const record of listed) {
    if (record.mode === MODE_SUBMODULE || record.type === 'commit') skipped.push({ path: record.path, reason: 'submodule' });
    else if (record.mode === MODE_SYMLINK) skipped.push({ path: record.path, reason: 'symlink' });
    else if (record.type === 'blob') blobs.push(record);
  }
  if (blobs.length === 0) return { status: 'found', kind, files: new Map(), skipped };
  if (blobs.length > bounds.maxFiles) return { status: 'too-large', limit: 'files', count: blobs.length };

  const cat = new CatFileSession(mirror.gitDir, mirror.limits.commandTimeoutMs);
  try {
    let total = 0;
    for (const blob of blobs) {
      const info = await cat.info(blob.oid);
      // "missing": the partial clone's size filter left it out, so it is larger than the mirror's maxFileBytes
      if ('missing' in info) return { status: 'too-large', limit: 'file-bytes', path: blob.path };
      if (info.size > bounds.maxFileBytes) return { status: 'too-large', limit: 'file-bytes', path: blob.path, size: info.size };
      total += info.size;
      if (total > bounds.maxTotalBytes) return { status: 'too-large', limit: 'total-bytes', count: total };
    }
    const files = new Map<string, string>();
    for (const blob of blobs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      const content = await cat.contents(blob.oid, bounds.maxFileBytes);
      if (content === undefined) return { status: 'too-large', limit: 'file-bytes', path: blob.path };
      files.set(blob.path, content.toString('utf8'));
    }
    return { status: 'found', kind, files, skipped };
  } finally {
    cat.close();
  }
}

interface TreeRecord {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

/** Rejects absolute paths, `..`, NUL and backslashes; strips `./` and trailing slashes. */
function normalisePath(path: string): string {
  if (path.includes('\0') || path.includes('\\') || path.startsWith('/')) {
    throw new GitError('INVALID_INPUT', 'path must be a relative path inside the repository');
  }
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw new GitError('INVALID_INPUT', 'path must not contain ".."');
  return parts.join('/');
}

/** Every entry below `dir` (or the whole tree), recursively; `-z`: no quoting of odd names. */
async function listTree(mirror: GitMirror, commit: string, dir: string | undefined): Promise<TreeRecord[]> {
  const args = ['ls-tree', '-r', '-z', '--full-tree', commit];
  if (dir !== undefined) args.push('--', dir);
  const out = await runGitOk(args, mirror.readOptions({ maxOutputBytes: 64 * 1024 * 1024 }));
  const records: TreeRecord[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, oid] = record.slice(0, tab).split(' ');
    const full = record.slice(tab + 1);
    // the literal pathspec matches `dir` and everything below it, nothing beside it
    if (dir !== undefined && !full.startsWith(`${dir}/`)) continue;
    records.push({ mode: mode!, type: type!, oid: oid!, path: full });
  }
  return records;
}
