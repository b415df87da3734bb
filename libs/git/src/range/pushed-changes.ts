import { allLinesOf, isLfsPointer, looksBinary, UnifiedDiffParser, type AddedLine, type PatchBlock } from '../diff/unified-diff.parser.js';
import { parseRawDiff, type RawChange } from '../diff/raw-diff.parser.js';
import { GitError } from '../git.error.js';
import type { GitMirror } from '../mirror/git-mirror.js';
import { CatFileSession, type ObjectInfo } from '../process/cat-file.session.js';
import { gitRecords, runGitOk } from '../process/git-process.js';
import type { AuditCommit, PushedRange } from './pushed-range.js';
import { readFilesAt } from './read-file.js';

/** Why a file was not scanned. Each one is reported, never silently dropped. */
export type SkipReason =
  /** Larger than the configured maximum (or not downloaded because of it). */
  | 'TOO_LARGE'
  /** Binary content. */
  | 'BINARY'
  /** A git-lfs pointer; the real content lives in LFS storage. */
  | 'LFS_POINTER';

/** Lines a commit added to one file. */
export interface FileLines {
  kind: 'lines';
  commit: string;
  /** `Name <email>`. */
  author: string;
  path: string;
  /** Source path when the file was renamed or copied. */
  previousPath?: string;
  addedLines: AddedLine[];
}

/** A changed file that was not scanned, and why. */
export interface SkippedFile {
  kind: 'skipped';
  commit: string;
  author: string;
  path: string;
  reason: SkipReason;
  /** Human-readable, e.g. "3.2 MB > 1 MB limit". */
  detail: string;
}

/** Full content at `after` of a manifest (`.yaml`/`.yml`/`.json`) some audited commit changed. */
export interface ManifestFile {
  kind: 'manifest';
  commit: string;
  path: string;
  content: string;
}

export type PushedChange = FileLines | SkippedFile | ManifestFile;

const MANIFEST = /\.(ya?ml|json)$/i;
const GITLINK = '160000';
const SMALL_ENOUGH_FOR_LFS_CHECK = 1024;
const MAX_MANIFEST_PATHS = 10_000;
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** How one raw entry will be handled. */
type Plan =
  /** Nothing to scan; `oldUnreadable`: a deleted blob git could not print a patch for. */
  | { do: 'ignore'; oldUnreadable?: boolean }
  | { do: 'skip'; reason: SkipReason; detail: string }
  /** Old side unusable (absent or too large): every line of the new content counts as added. */
  | { do: 'whole-file' }
  | { do: 'diff' };

/**
 * Streams what the audited commits added: per commit and file the added lines, explicit skips
 * (TOO_LARGE, BINARY, LFS_POINTER), then every changed manifest in full at `after`. Commits are
 * processed one at a time and patches are parsed line by line, so memory stays bounded by the
 * largest file allowed. Merge commits are not diffed: their parents in the range carry the changes.
 *
 * Call with the mirror still leased (inside `withMirror`), after `resolvePushedRange`.
 */
export async function* listPushedChanges(mirror: GitMirror, range: PushedRange): AsyncGenerator<PushedChange> {
  const { maxFileBytes, commandTimeoutMs } = mirror.limits;
  const cat = new CatFileSession(mirror.gitDir, commandTimeoutMs);
  const manifests = new Set<string>();
  try {
    for (const commit of range.commits) {
      if (commit.parents.length > 1) continue;
      const raw = await rawChanges(mirror, cat, commit.oid);
      const plans = await plansFor(raw, cat, maxFileBytes);
      for (const change of raw) {
        if (change.status !== 'D' && MANIFEST.test(change.path) && manifests.size < MAX_MANIFEST_PATHS) manifests.add(change.path);
      }
      // One patch for the whole commit is cheapest, but git would try to read absent (or print
      // huge) blobs and prints a type change as two blocks; such commits go file by file.
      const simple =
        plans.every((p) => p.do === 'diff' || (p.do === 'ignore' && !p.oldUnreadable)) && raw.every((c) => c.status !== 'T');
      if (simple) yield* commitPatch(mirror, commit, raw, plans);
      else yield* fileByFile(mirror, cat, commit, raw, plans);
    }
    yield* changedManifests(mirror, cat, range, [...manifests].sort());
  } finally {
    cat.close();
  }
}

/**
 * The commit's file changes, with renames paired when that is safe. Rename detection reads blob
 * contents, so when a blob of the commit was left out by the partial clone the plain (tree-only)
 * listing is used: a rename then shows as delete + add and the whole new file gets scanned.
 */
async function rawChanges(mirror: GitMirror, cat: CatFileSession, oid: string): Promise<RawChange[]> {
  const list = async (renames: boolean) =>
    parseRawDiff(
      await runGitOk(
        ['diff-tree', '-r', '-z', '--raw', '--no-abbrev', ...(renames ? ['-M'] : []), '--root', '--no-commit-id', oid],
        mirror.readOptions({ maxOutputBytes: 64 * 1024 * 1024 }),
      ),
    );
  const plain = await list(false);
  const couldRename = plain.some((c) => c.status === 'A') && plain.some((c) => c.status === 'D');
  if (!couldRename) return plain;
  const blobs = plain
    .flatMap((c) => [[c.oldMode, c.oldOid] as const, [c.newMode, c.newOid] as const])
    .filter(([mode, blob]) => mode !== GITLINK && !/^0+$/.test(blob))
    .map(([, blob]) => blob);
  if ((await cat.infoMany(blobs)).some((info) => 'missing' in info)) return plain;
  return list(true);
}

/** Small blobs whose contents are read in one go to look for LFS pointers. */
const LFS_CHECK_BATCH = 1024;

/**
 * Plans for a commit's changes. The sizes of every blob involved come in one cat-file round
 * trip, and small new blobs (possible LFS pointers) in a few more, instead of up to four round
 * trips per file.
 */
async function plansFor(raw: readonly RawChange[], cat: CatFileSession, maxFileBytes: number): Promise<Plan[]> {
  const hasNew = (c: RawChange): boolean => c.status !== 'D' && c.newMode !== GITLINK;
  const hasOld = (c: RawChange): boolean => c.oldMode !== GITLINK && !/^0+$/.test(c.oldOid) && (c.status === 'D' || (hasNew(c) && c.status !== 'A'));
  const objects = [...new Set(raw.flatMap((c) => [...(hasNew(c) ? [c.newOid] : []), ...(hasOld(c) ? [c.oldOid] : [])]))];
  const answers = await cat.infoMany(objects);
  const infos = new Map(objects.map((oid, i) => [oid, answers[i]!]));
  const small = [...new Set(raw.filter(hasNew).map((c) => c.newOid))].filter((oid) => {
    const info = infos.get(oid)!;
    return !('missing' in info) && info.size <= maxFileBytes && info.size <= SMALL_ENOUGH_FOR_LFS_CHECK;
  });
  const lfsPointers = new Set<string>();
  for (let from = 0; from < small.length; from += LFS_CHECK_BATCH) {
    const slice = small.slice(from, from + LFS_CHECK_BATCH);
    (await cat.contentsMany(slice, SMALL_ENOUGH_FOR_LFS_CHECK)).forEach((content, i) => {
      if (content && isLfsPointer(content)) lfsPointers.add(slice[i]!);
    });
  }
  return raw.map((change) => planFor(change, infos, lfsPointers, maxFileBytes));
}

function planFor(change: RawChange, infos: ReadonlyMap<string, ObjectInfo>, lfsPointers: ReadonlySet<string>, maxFileBytes: number): Plan {
  if (change.status === 'D') {
    if (change.oldMode === GITLINK) return { do: 'ignore' };
    const old = infos.get(change.oldOid)!;
    return { do: 'ignore', oldUnreadable: 'missing' in old || old.size > maxFileBytes };
  }
  if (change.newMode === GITLINK) return { do: 'ignore' };
  const info = infos.get(change.newOid)!;
  if ('missing' in info) {
    return { do: 'skip', reason: 'TOO_LARGE', detail: `not downloaded: larger than the ${formatBytes(maxFileBytes)} limit` };
  }
  if (info.size > maxFileBytes) {
    return { do: 'skip', reason: 'TOO_LARGE', detail: `${formatBytes(info.size)} > ${formatBytes(maxFileBytes)} limit` };
  }
  if (lfsPointers.has(change.newOid)) return { do: 'skip', reason: 'LFS_POINTER', detail: 'git-lfs pointer; content is in LFS storage' };
  if (change.status === 'A' || change.oldMode === GITLINK || /^0+$/.test(change.oldOid)) return { do: 'diff' };
  const old = infos.get(change.oldOid)!;
  if ('missing' in old || old.size > maxFileBytes) return { do: 'whole-file' };
  return { do: 'diff' };
}

/** One `diff-tree -p` for the commit; its blocks come in the same order as the raw entries. */
async function* commitPatch(mirror: GitMirror, commit: AuditCommit, raw: RawChange[], plans: Plan[]): AsyncGenerator<PushedChange> {
  const parser = new UnifiedDiffParser();
  let index = 0;
  const emit = function* (block: PatchBlock | undefined): Generator<PushedChange> {
    if (!block) return;
    const change = raw[index];
    const plan = plans[index++];
    if (!change || !plan) throw new GitError('GIT_FAILED', `patch of ${commit.oid} has more files than its raw diff`);
    if (plan.do === 'ignore') return;
    yield* outcome(commit, change, block);
  };
  const records = gitRecords(
    ['diff-tree', '-p', '-r', '-M', '--root', '--no-commit-id', '--unified=0', '--no-color', '--no-ext-diff', '--no-textconv', commit.oid],
    { ...mirror.readOptions(), separator: 0x0a, maxRecordBytes: mirror.limits.maxFileBytes + 1024 },
  );
  for await (const lines of records) {
    for (const line of lines) {
      const block = parser.feed(line);
      if (block) yield* emit(block); // only then: each `yield*` from an async generator costs a microtask round
    }
  }
  yield* emit(parser.end());
  if (index !== raw.length) throw new GitError('GIT_FAILED', `patch of ${commit.oid} has fewer files than its raw diff`);
}

/** Per-file handling for commits with absent or oversized blobs or type changes. */
async function* fileByFile(
  mirror: GitMirror,
  cat: CatFileSession,
  commit: AuditCommit,
  raw: RawChange[],
  plans: Plan[],
): AsyncGenerator<PushedChange> {
  const max = mirror.limits.maxFileBytes;
  for (let i = 0; i < raw.length; i++) {
    const change = raw[i]!;
    const plan = plans[i]!;
    if (plan.do === 'ignore') continue;
    if (plan.do === 'skip') {
      yield { kind: 'skipped', commit: commit.oid, author: commit.author, path: change.path, reason: plan.reason, detail: plan.detail };
      continue;
    }
    const newIsFresh = plan.do === 'whole-file' || change.status === 'A' || /^0+$/.test(change.oldOid) || change.oldMode === GITLINK;
    if (newIsFresh) {
      const content = await cat.contents(change.newOid, max);
      if (!content) throw new GitError('GIT_FAILED', `blob ${change.newOid} vanished from the mirror`);
      const block: PatchBlock = looksBinary(content) ? { binary: true, addedLines: [] } : { binary: false, addedLines: allLinesOf(content) };
      yield* outcome(commit, change, block);
      continue;
    }
    const parser = new UnifiedDiffParser();
    let block: PatchBlock | undefined;
    const records = gitRecords(
      ['diff', '--unified=0', '--no-color', '--no-ext-diff', '--no-textconv', change.oldOid, change.newOid],
      { ...mirror.readOptions(), separator: 0x0a, maxRecordBytes: max + 1024 },
    );
    for await (const lines of records) for (const line of lines) block = parser.feed(line) ?? block;
    block = parser.end() ?? block;
    if (block) yield* outcome(commit, change, block);
  }
}

function* outcome(commit: AuditCommit, change: RawChange, block: PatchBlock): Generator<PushedChange> {
  if (block.binary) {
    yield { kind: 'skipped', commit: commit.oid, author: commit.author, path: change.path, reason: 'BINARY', detail: 'binary content' };
    return;
  }
  if (block.addedLines.length === 0) return;
  const lines: FileLines = { kind: 'lines', commit: commit.oid, author: commit.author, path: change.path, addedLines: block.addedLines };
  if (change.previousPath !== undefined) lines.previousPath = change.previousPath;
  yield lines;
}

async function* changedManifests(mirror: GitMirror, cat: CatFileSession, range: PushedRange, paths: string[]): AsyncGenerator<PushedChange> {
  const max = mirror.limits.maxManifestBytes;
  for await (const { path, file } of readFilesAt(mirror, cat, range.after, paths, max)) {
    if (file.status === 'missing') continue;
    if (file.status === 'too-large') {
      yield {
        kind: 'skipped',
        commit: range.after,
        author: '',
        path,
        reason: 'TOO_LARGE',
        detail: file.size === undefined ? `manifest not downloaded: larger than the ${formatBytes(mirror.limits.maxFileBytes)} limit` : `manifest ${formatBytes(file.size)} > ${formatBytes(max)} limit`,
      };
      continue;
    }
    if (looksBinary(file.content)) {
      yield { kind: 'skipped', commit: range.after, author: '', path, reason: 'BINARY', detail: 'binary content' };
      continue;
    }
    yield { kind: 'manifest', commit: range.after, path, content: utf8.decode(file.content) };
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
