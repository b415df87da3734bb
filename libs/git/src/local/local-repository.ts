import { UnifiedDiffParser, isLfsPointer, looksBinary } from '../diff/unified-diff.parser.js';
import { GitError } from '../git.error.js';
import { DEFAULT_GIT_LIMITS, type GitLimits } from '../git-limits.js';
import { GitMirror } from '../mirror/git-mirror.js';
import { runGit, runGitOk } from '../process/git-process.js';
import type { FileLines, ManifestFile, PushedChange, SkippedFile } from '../range/pushed-changes.js';
import { commitsOf, type PushedRange } from '../range/pushed-range.js';

const MANIFEST = /\.(ya?ml|json)$/i;

/**
 * A repository on this machine (a developer's clone), read through the same code as the mirrors:
 * `listPushedChanges` works on it. It is never fetched; `gitDir` is its `.git` directory.
 */
export async function openLocalRepository(workTree: string, limits: Partial<GitLimits> = {}): Promise<GitMirror> {
  const settings = { ...DEFAULT_GIT_LIMITS, ...limits };
  const result = await runGit(['-C', workTree, 'rev-parse', '--absolute-git-dir'], { timeoutMs: settings.commandTimeoutMs });
  if (result.exitCode !== 0) throw new GitError('INVALID_INPUT', `${workTree} is not inside a git repository`);
  return GitMirror.local(result.stdout.toString('utf8').trim(), settings);
}

/**
 * The commits a `git rev-list` range selects in a local repository (`main..HEAD`, `HEAD~3..HEAD`,
 * `v1.2.0..`, one commit id), newest `maxCommits`, oldest first. Manifests are read at the first
 * positive revision.
 */
export async function resolveRevisionRange(repository: GitMirror, spec: string): Promise<PushedRange> {
  if (spec.length === 0 || spec.startsWith('-') || /\s/.test(spec)) throw new GitError('INVALID_INPUT', 'a revision range such as main..HEAD');
  const parsed = await runGit(['rev-parse', '--revs-only', spec], repository.readOptions());
  const revs = parsed.stdout.toString('utf8').split('\n').filter(Boolean);
  if (parsed.exitCode !== 0 || revs.length === 0) throw new GitError('INVALID_INPUT', `${spec} is not a revision range of this repository`);
  const tip = revs.find((r) => !r.startsWith('^'))!;
  // A single commit stands for itself: its own changes, not its whole history.
  const selection = revs.length === 1 ? [tip, `^${tip}^@`] : revs;
  return { ref: 'HEAD', before: '0'.repeat(40), after: tip, mode: 'update', ...(await commitsOf(repository, selection)), beforeUnavailable: false };
}

/**
 * What the index adds over HEAD (`git diff --cached`), for a pre-commit hook: added lines per file,
 * staged manifests in full, and the same skips as pushes. `commit` is `STAGED`.
 */
export async function* listStagedChanges(repository: GitMirror, workTree: string): AsyncGenerator<PushedChange> {
  const { maxFileBytes, commandTimeoutMs } = repository.limits;
  const options = { timeoutMs: commandTimeoutMs, maxOutputBytes: 64 * 1024 * 1024 };
  const names = await runGitOk(['-C', workTree, 'diff', '--cached', '--name-only', '-z', '--no-renames', '--diff-filter=ACMR'], options);
  const author = (await runGit(['-C', workTree, 'var', 'GIT_AUTHOR_IDENT'], options)).stdout.toString('utf8').replace(/\s+\d+\s+[+-]\d{4}\s*$/, '').trim();
  const base = { commit: 'STAGED', author };
  for (const path of names.toString('utf8').split('\0').filter(Boolean)) {
    const size = await runGit(['-C', workTree, 'cat-file', '-s', `:${path}`], options);
    if (size.exitCode !== 0) continue; // a submodule or a path git cannot print: nothing to scan
    if (Number(size.stdout.toString('latin1').trim()) > maxFileBytes) {
      yield skipped(base, path, 'TOO_LARGE', `larger than ${maxFileBytes} bytes`);
      continue;
    }
    const blob = await runGitOk(['-C', workTree, 'cat-file', 'blob', `:${path}`], { ...options, maxOutputBytes: maxFileBytes + 1 });
    if (looksBinary(blob)) {
      yield skipped(base, path, 'BINARY', 'binary content');
      continue;
    }
    if (isLfsPointer(blob)) {
      yield skipped(base, path, 'LFS_POINTER', 'git-lfs pointer');
      continue;
    }
    const patch = await runGitOk(['-C', workTree, 'diff', '--cached', '--unified=0', '--no-color', '--no-ext-diff', '--no-renames', '--', path], options);
    const parser = new UnifiedDiffParser();
    const blocks = [];
    let start = 0;
    for (let i = patch.indexOf(0x0a); i !== -1; start = i + 1, i = patch.indexOf(0x0a, start)) {
      const done = parser.feed(patch.subarray(start, i));
      if (done) blocks.push(done);
    }
    if (start < patch.length) parser.feed(patch.subarray(start));
    const last = parser.end();
    if (last) blocks.push(last);
    const addedLines = blocks.flatMap((b) => b.addedLines);
    if (addedLines.length > 0) yield { kind: 'lines', ...base, path, addedLines } satisfies FileLines;
    if (MANIFEST.test(path)) yield { kind: 'manifest', commit: base.commit, path, content: blob.toString('utf8') } satisfies ManifestFile;
  }
}

/**
 * The regular files git tracks under `dir` (its index, so also files added but not yet committed),
 * relative to `dir` with `/` separators, in index order. Symbolic links and submodules are left out:
 * a scan follows neither. A path listed here may be missing from the work tree (deleted, not staged).
 */
export async function listTrackedFiles(dir: string, limits: Pick<GitLimits, 'commandTimeoutMs'> = DEFAULT_GIT_LIMITS): Promise<string[]> {
  const options = { timeoutMs: limits.commandTimeoutMs, maxOutputBytes: 256 * 1024 * 1024 };
  const top = await runGit(['-C', dir, 'rev-parse', '--show-toplevel'], options);
  if (top.exitCode !== 0) throw new GitError('INVALID_INPUT', `${dir} is not inside a git work tree`);
  // `--stage` prints `<mode> <oid> <stage>\t<path>`; a conflicted path appears once per stage.
  const listing = await runGitOk(['-C', dir, 'ls-files', '--cached', '--stage', '-z'], options);
  const paths = new Set<string>();
  for (const entry of listing.toString('utf8').split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab === -1) continue;
    const mode = entry.slice(0, entry.indexOf(' '));
    if (mode === '100644' || mode === '100755') paths.add(entry.slice(tab + 1));
  }
  return [...paths];
}

function skipped(base: { commit: string; author: string }, path: string, reason: SkippedFile['reason'], detail: string): SkippedFile {
  return { kind: 'skipped', ...base, path, reason, detail };
}
