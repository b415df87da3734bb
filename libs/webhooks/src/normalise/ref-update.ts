import { type GitProvider, isZeroSha } from '@portcullis/contracts';
import { z } from 'zod';
import { type DeliveryContext, deliveryFieldsOf, ignored, type ScmNormaliseOutcome, scmEvent } from './normalise-outcome.js';

/** Contract caps (see ScmPushEvent). */
const MAX_COMMITS = 100;
const MAX_PATHS = 500;
const MAX_PATH_LENGTH = 1024;
const MAX_TITLE = 200;
const MAX_NAME = 200;

/** A commit as the push-style payloads of GitHub, GitLab and Gitea describe it. */
export interface RefUpdateCommit {
  readonly id: string;
  readonly message: string;
  readonly authorName: string;
  readonly added: readonly string[];
  readonly modified: readonly string[];
}

/**
 * The commits list of push-style payloads (GitHub, GitLab, Gitea/Forgejo all send the same shape),
 * read straight into RefUpdateCommit. A missing list is an empty push (tag or branch deletion).
 */
export const PushStyleCommits = z
  .array(
    z
      .object({
        id: z.string(),
        message: z.string(),
        author: z.object({ name: z.string() }),
        added: z.array(z.string()).nullish(),
        modified: z.array(z.string()).nullish(),
      })
      .transform(
        (c): RefUpdateCommit => ({ id: c.id, message: c.message, authorName: c.author.name, added: c.added ?? [], modified: c.modified ?? [] }),
      ),
  )
  .default([]);

/** The provider-neutral content of a push to one ref. */
export interface RefUpdate {
  readonly provider: GitProvider;
  /** From the payload's owner/name fields only (see normalisers). */
  readonly owner: string;
  readonly name: string;
  readonly ref: string;
  readonly before: string;
  readonly after: string;
  readonly forced: boolean;
  readonly pusher: string;
  /** Oldest first. */
  readonly commits: readonly RefUpdateCommit[];
  /** When the provider says how many commits the push had. */
  readonly totalCommits?: number | undefined;
  /** The provider says it listed fewer commits than were pushed (Bitbucket's `truncated`), or lists none at all. */
  readonly commitsTruncated?: boolean | undefined;
  /** The provider never lists changed paths (Bitbucket): `pathsTruncated` is then true unless the branch was deleted. */
  readonly pathsUnknown?: boolean | undefined;
}

function truncate(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max);
}

function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return end === -1 ? message : message.slice(0, end);
}

function changedPaths(commits: readonly RefUpdateCommit[]): { paths: string[]; truncated: boolean } {
  const seen = new Set<string>();
  let truncated = false;
  for (const commit of commits) {
    for (const path of [...commit.added, ...commit.modified]) {
      if (path.length === 0 || path.length > MAX_PATH_LENGTH) {
        truncated = true;
      } else if (!seen.has(path)) {
        if (seen.size >= MAX_PATHS) truncated = true;
        else seen.add(path);
      }
    }
  }
  return { paths: [...seen], truncated };
}

/**
 * Turns a push to one ref into a `push` (branch) or `tag` event. Tag pushes become `tag` events
 * created/deleted by the zero id on the other side; a tag moved in place (neither side zero) is
 * reported as `created` at its new commit, which is the commit consumers care about.
 */
export function refUpdateToEvent(update: RefUpdate, delivery: DeliveryContext): ScmNormaliseOutcome {
  const repository = { provider: update.provider, owner: update.owner, name: update.name };
  const pusher = truncate(update.pusher, MAX_NAME);
  const before = update.before.toLowerCase();
  const after = update.after.toLowerCase();
  if (update.ref.startsWith('refs/tags/')) {
    const deleted = isZeroSha(after);
    return scmEvent({
      kind: 'tag',
      ...deliveryFieldsOf(delivery),
      repository,
      action: deleted ? 'deleted' : 'created',
      ref: update.ref,
      sha: deleted ? before : after,
      pusher,
    });
  }
  if (!update.ref.startsWith('refs/heads/')) return ignored('unsupported-ref');
  const listed = update.commits.slice(0, MAX_COMMITS);
  const { paths, truncated } = changedPaths(listed);
  const total = update.totalCommits;
  const commitsTruncated =
    update.commitsTruncated === true || update.commits.length > listed.length || (total !== undefined && total > listed.length);
  return scmEvent({
    kind: 'push',
    ...deliveryFieldsOf(delivery),
    repository,
    ref: update.ref,
    before,
    after,
    forced: update.forced,
    pusher,
    commits: listed.map((commit) => ({
      sha: commit.id.toLowerCase(),
      title: truncate(firstLine(commit.message), MAX_TITLE),
      author: truncate(commit.authorName, MAX_NAME),
    })),
    ...(total === undefined ? {} : { totalCommits: total }),
    commitsTruncated,
    changedPaths: paths,
    // Paths of commits beyond those listed are unknown, so a truncated commit list truncates paths too.
    pathsTruncated: truncated || commitsTruncated || (update.pathsUnknown === true && !isZeroSha(after)),
  });
}
