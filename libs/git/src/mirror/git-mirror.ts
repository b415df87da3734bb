import { GitError } from '../git.error.js';
import { authorizationHeader, secretsOf, type GitHostConfig } from '../git-host.js';
import type { GitLimits } from '../git-limits.js';
import { oneLine, runGit, runGitOk, type GitProcessOptions } from '../process/git-process.js';

/** Where the mirror keeps the provider's refs: `refs/remotes/origin/heads/*` and `…/tags/*`. */
export const REMOTE_REFS_PREFIX = 'refs/remotes/origin/';
const FETCH_REFSPECS = ['+refs/heads/*:refs/remotes/origin/heads/*', '+refs/tags/*:refs/remotes/origin/tags/*'];

/** The mirror-side ref that tracks a provider ref (`refs/heads/x` → `refs/remotes/origin/heads/x`). */
export function trackingRefOf(ref: string): string | undefined {
  if (ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/')) return REMOTE_REFS_PREFIX + ref.slice('refs/'.length);
  return undefined;
}

/**
 * One bare, partial (blob-size-filtered) mirror of a provider repository. Obtain it from
 * `GitMirrorCache.withMirror`, which serialises all work on the same repository.
 */
export class GitMirror {
  constructor(
    /** Path of the bare repository. */
    readonly gitDir: string,
    /** Clone URL (never with credentials). */
    readonly cloneUrl: string,
    private readonly host: GitHostConfig,
    readonly limits: GitLimits,
  ) {}

  /**
   * A repository on this machine read with the mirror's code (`openLocalRepository`); any fetch
   * fails, so nothing is ever downloaded for it.
   */
  static local(gitDir: string, limits: GitLimits): GitMirror {
    return new GitMirror(gitDir, '', { baseUrl: '' }, limits);
  }

  /** Options for local, read-only git commands on this mirror. */
  readOptions(extra: Partial<GitProcessOptions> = {}): GitProcessOptions {
    return { gitDir: this.gitDir, timeoutMs: this.limits.commandTimeoutMs, ...extra };
  }

  /**
   * Fetches all branches and tags of the provider without blobs above `maxFileBytes` (so a huge
   * file is never downloaded; its absence later becomes a TOO_LARGE skip). Full history, not
   * shallow: ancestry checks (force push, new branch) and the parent of the oldest audited commit
   * must be present for the result to be sound.
   *
   * Once per lease: a `GitMirror` lives for one `withMirror` call (one audit), whose steps (tip
   * ancestry, range resolution, the policy file) should all see one snapshot of the provider's refs,
   * and a second round trip to the provider would only cost time. A failed fetch is tried again.
   */
  async fetchRefs(): Promise<void> {
    this.refsFetched ??= this.fetch(['--prune', ...FETCH_REFSPECS]).catch((error: unknown) => {
      this.refsFetched = undefined;
      throw error;
    });
    await this.refsFetched;
  }

  private refsFetched: Promise<void> | undefined;

  /** Fetches one commit by id (providers allow ids reachable from a ref). */
  async fetchCommit(oid: string): Promise<void> {
    await this.fetch([oid]);
  }

  /**
   * Makes commit `oid` present: nothing when it already is, else the refs first (cheap when the
   * mirror is warm), and by id only for a commit no ref reaches any more.
   */
  async ensureCommit(oid: string): Promise<void> {
    if (await this.hasCommit(oid)) return;
    await this.fetchRefs();
    if (!(await this.hasCommit(oid))) await this.fetchCommit(oid);
  }

  /** True when `oid` names a commit present in the mirror. */
  async hasCommit(oid: string): Promise<boolean> {
    const result = await runGit(['cat-file', '-e', `${oid}^{commit}`], this.readOptions());
    return result.exitCode === 0;
  }

  /**
   * True when commit `ancestor` is reachable from commit `descendant` (a commit is its own
   * ancestor). Both must be present; an absent one answers false.
   */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const result = await runGit(['merge-base', '--is-ancestor', ancestor, descendant], this.readOptions());
    if (result.exitCode === 0) return true;
    if (result.exitCode === 1) return false;
    if (!(await this.hasCommit(ancestor)) || !(await this.hasCommit(descendant))) return false;
    throw new GitError('GIT_FAILED', `merge-base --is-ancestor failed (exit ${result.exitCode}): ${oneLine(result.stderr)}`);
  }

  /** `oid refname` of every provider ref the mirror knows. */
  async remoteRefs(): Promise<{ oid: string; ref: string }[]> {
    const out = await runGitOk(
      ['for-each-ref', '--format=%(objectname) %(refname)', REMOTE_REFS_PREFIX],
      this.readOptions({ maxOutputBytes: 64 * 1024 * 1024 }),
    );
    return out
      .toString('utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => {
        const space = line.indexOf(' ');
        return { oid: line.slice(0, space), ref: line.slice(space + 1) };
      });
  }

  private async fetch(refspecs: string[]): Promise<void> {
    if (this.cloneUrl === '') throw new GitError('INVALID_INPUT', 'a local repository is never fetched');
    const header = authorizationHeader(this.host.credentials);
    const filter = `blob:limit=${this.limits.maxFileBytes + 1}`;
    const config: Record<string, string> = {
      'protocol.allow': 'always', // GIT_ALLOW_PROTOCOL still limits it to http/https
      // A filtered fetch records the remote as a promisor in the mirror's config unless it already
      // is one with a filter; given both here, for this process only, git writes nothing. Reads must
      // never see a promisor: a missing (too large) blob would be downloaded instead of reported.
      'remote.origin.promisor': 'true',
      'remote.origin.partialclonefilter': filter,
      // a redirect could carry our Authorization header to another host
      'http.followRedirects': 'false',
      'http.lowSpeedLimit': '1000',
      'http.lowSpeedTime': '60',
    };
    if (header) config['http.extraHeader'] = `Authorization: ${header}`;
    const secrets = secretsOf(this.host);
    const args = [
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      '--no-auto-gc',
      `--filter=${filter}`,
      'origin',
      ...refspecs,
    ];
    const result = await runGit(args, {
      gitDir: this.gitDir,
      config,
      timeoutMs: this.limits.fetchTimeoutMs,
      maxOutputBytes: 1024 * 1024,
      secrets,
    });
    if (result.exitCode !== 0) {
      throw classifyFetchFailure(result.stderr, this.cloneUrl, refspecs.length === 1 && !refspecs[0]!.includes(':'));
    }
  }
}

/** Maps git's stderr of a failed fetch to a stable error code. Exported for tests. */
export function classifyFetchFailure(stderr: string, cloneUrl: string, byCommitId: boolean): GitError {
  const detail = oneLine(stderr);
  const where = `fetch from ${cloneUrl}`;
  if (/terminal prompts disabled|authentication failed|could not read (username|password)|returned error: 40[13]|HTTP 40[13]/i.test(stderr)) {
    return new GitError('AUTH_FAILED', `${where}: credentials rejected (${detail})`);
  }
  if (/repository '.*' not found|returned error: 404|HTTP 404|does not appear to be a git repository|returned error: 410/i.test(stderr)) {
    return new GitError('REPOSITORY_NOT_FOUND', `${where}: repository not found (${detail})`);
  }
  if (byCommitId && /not our ref|couldn't find remote ref|no such remote ref|unadvertised object/i.test(stderr)) {
    return new GitError('RANGE_UNAVAILABLE', `${where}: commit no longer available (${detail})`);
  }
  return new GitError('FETCH_FAILED', `${where} failed (${detail})`);
}
