import { z } from 'zod';
import { CommitSha, RepositoryRef } from '../common/repository.js';

/** One commit of a push, as far as the provider told us. */
export const PushedCommit = z.object({
  /** Commit id. */
  sha: CommitSha,
  /** First line of the commit message, truncated to 200 characters. */
  title: z.string().max(200),
  /** Author name as recorded in the commit. */
  author: z.string().max(200),
  /** Paths added or modified by the commit (providers cap this list; see `pathsTruncated`). */
  changedPaths: z.array(z.string().max(4096)).max(3000),
  /** Paths removed by the commit. */
  removedPaths: z.array(z.string().max(4096)).max(3000),
});

/** A branch or tag was pushed: the secret-auditor fetches exactly `before..after`. */
export const ScmPushEvent = z
  .object({
    kind: z.literal('push'),
    /** The repository that received the push. */
    repository: RepositoryRef,
    /** Full ref name, e.g. `refs/heads/main` or `refs/tags/v1.2.0`. */
    ref: z.string().min(1).max(1024),
    /** Tip before the push; all zeros when the ref was created. */
    before: CommitSha,
    /** Tip after the push; all zeros when the ref was deleted. */
    after: CommitSha,
    /** True when the provider reported a non-fast-forward push. */
    forced: z.boolean(),
    /** Login or name of whoever pushed. */
    pusher: z.string().max(200),
    /** Commits the provider listed, oldest first (may be fewer than were pushed). */
    commits: z.array(PushedCommit).max(2048),
    /** True when the provider's commit list was cut short; the auditor must walk git itself. */
    commitsTruncated: z.boolean(),
  })
  .meta({ description: 'A branch or tag was pushed to a repository.' });
export type ScmPushEvent = z.infer<typeof ScmPushEvent>;
