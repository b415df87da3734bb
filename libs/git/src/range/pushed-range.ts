import { GitError } from '../git.error.js';
import { trackingRefOf, type GitMirror } from '../mirror/git-mirror.js';
import { runGitOk } from '../process/git-process.js';
import { assertBranchOrTagRef, assertOid, isZeroOid } from './push-input.js';

const ZERO_OID = '0'.repeat(40);

/** A ref update as the provider reported it. Only these three fields are taken from a payload. */
export interface PushRequest {
  /** `refs/heads/<branch>` or `refs/tags/<tag>`. */
  ref: string;
  /** Tip before the push; all zeros for a created ref. */
  before: string;
  /** Tip after the push (peeled commit for tags); all zeros for a deleted ref. */
  after: string;
}

/**
 * How the commits to audit were chosen:
 * - `update`: fast-forward, `before..after`;
 * - `force`: non-fast-forward, commits of `after` reachable neither from `before` nor another ref;
 * - `new-ref`: created branch (or `before` unavailable), commits reachable from no other ref;
 * - `tag`: tag push, commits of the tag reachable from no other ref (usually none);
 * - `delete`: the ref was deleted, nothing to audit;
 * - `history`: a sweep, every commit reachable from `after` (see `resolveHistory`).
 */
export type RangeMode = 'update' | 'force' | 'new-ref' | 'tag' | 'delete' | 'history';

/** A commit chosen for auditing. */
export interface AuditCommit {
  oid: string;
  parents: string[];
  /** `Name <email>` as recorded in the commit. */
  author: string;
}

export interface PushedRange extends PushRequest {
  mode: RangeMode;
  /** Commits to audit, oldest first; the newest `maxCommits` when the push had more. */
  commits: AuditCommit[];
  /** How many commits the rule selected before the cap. */
  totalCommits: number;
  /** True when `commits` was cut to `maxCommits`. */
  truncated: boolean;
  /** `before` was given but could not be fetched (history rewritten); the new-branch rule was used. */
  beforeUnavailable: boolean;
}

/**
 * Fetches what a push needs into the mirror and decides which commits to audit. Never contacts a
 * URL from the payload: the mirror's clone URL comes from configuration.
 */
export async function resolvePushedRange(mirror: GitMirror, push: PushRequest): Promise<PushedRange> {
  assertBranchOrTagRef(push.ref);
  assertOid(push.before, 'before');
  assertOid(push.after, 'after');
  const base = { ref: push.ref, before: push.before, after: push.after };
  if (isZeroOid(push.after)) {
    return { ...base, mode: 'delete', commits: [], totalCommits: 0, truncated: false, beforeUnavailable: false };
  }

  await mirror.fetchRefs();
  if (!(await mirror.hasCommit(push.after))) {
    await mirror.fetchCommit(push.after);
    if (!(await mirror.hasCommit(push.after))) {
      throw new GitError('RANGE_UNAVAILABLE', `pushed commit ${push.after} is not available from ${mirror.cloneUrl}`);
    }
  }
  const hasBefore = !isZeroOid(push.before);
  const beforeKnown = hasBefore && (await ensureCommit(mirror, push.before));

  let mode: RangeMode;
  if (push.ref.startsWith('refs/tags/')) mode = 'tag';
  else if (!beforeKnown) mode = 'new-ref';
  else mode = (await mirror.isAncestor(push.before, push.after)) ? 'update' : 'force';

  const revs = [push.after];
  if (mode === 'update' || mode === 'force') revs.push(`^${push.before}`);
  if (mode !== 'update') {
    const own = trackingRefOf(push.ref);
    const others = new Set<string>();
    for (const { oid, ref } of await mirror.remoteRefs()) if (ref !== own) others.add(oid);
    for (const oid of others) revs.push(`^${oid}`);
  }
  return { ...base, mode, ...(await commitsOf(mirror, revs)), beforeUnavailable: hasBefore && !beforeKnown };
}

/**
 * A full-history sweep of `ref`: every commit reachable from its tip at the provider (the newest
 * `maxCommits`, oldest first). Fetches the refs first; `after` is the ref's tip.
 */
export async function resolveHistory(mirror: GitMirror, ref: string): Promise<PushedRange> {
  assertBranchOrTagRef(ref);
  await mirror.fetchRefs();
  const tracking = trackingRefOf(ref);
  const tip = (await mirror.remoteRefs()).find((r) => r.ref === tracking)?.oid;
  if (tip === undefined) throw new GitError('RANGE_UNAVAILABLE', `${ref} does not exist at ${mirror.cloneUrl}`);
  return { ref, before: ZERO_OID, after: tip, mode: 'history', ...(await commitsOf(mirror, [tip])), beforeUnavailable: false };
}

/** The commits `revs` select (`git rev-list --stdin` syntax), the newest `maxCommits` of them, oldest first. */
export async function commitsOf(mirror: GitMirror, revs: readonly string[]): Promise<Pick<PushedRange, 'commits' | 'totalCommits' | 'truncated'>> {
  const stdin = `${revs.join('\n')}\n`;
  const count = await runGitOk(['rev-list', '--count', '--stdin'], mirror.readOptions({ stdin }));
  const totalCommits = Number(count.toString('latin1').trim());
  const limit = mirror.limits.maxCommits;
  // --reverse applies after --max-count: the newest `limit` commits, oldest first
  const log = await runGitOk(
    ['log', '--stdin', '--reverse', `--max-count=${limit}`, '-z', '--no-color', '--format=%H%x1f%P%x1f%an%x1f%ae'],
    mirror.readOptions({ stdin, maxOutputBytes: 4 * 1024 * 1024 }),
  );
  const commits = log
    .toString('utf8')
    .split('\0')
    .filter((record) => record.length > 0)
    .map((record): AuditCommit => {
      const [oid, parents, ...rest] = record.replace(/^\n/, '').split('\x1f');
      const email = rest.pop() ?? '';
      return { oid: oid!, parents: parents ? parents.split(' ') : [], author: `${rest.join('\x1f')} <${email}>` };
    });
  return { commits, totalCommits, truncated: totalCommits > commits.length };
}

async function ensureCommit(mirror: GitMirror, oid: string): Promise<boolean> {
  if (await mirror.hasCommit(oid)) return true;
  try {
    await mirror.fetchCommit(oid);
  } catch (error) {
    if (error instanceof GitError && (error.code === 'RANGE_UNAVAILABLE' || error.code === 'FETCH_FAILED')) return false;
    throw error;
  }
  return mirror.hasCommit(oid);
}
