import { z } from 'zod';
import { deliveryFields } from '../common/delivery.js';
import { BranchRef, CommitSha, RepositoryRef } from '../common/repository.js';
import { eventKind } from '../common/scalars.js';

/** One commit of a push, as far as the provider told us. */
export const PushedCommit = z
  .object({
    /** Commit id. */
    sha: CommitSha.meta({ description: 'Commit id.' }),
    /** First line of the commit message, truncated to 200 characters. */
    title: z.string().max(200).meta({ description: 'First line of the commit message, truncated to 200 characters.' }),
    /** Author name as recorded in the commit. */
    author: z.string().max(200).meta({ description: 'Author name as recorded in the commit.' }),
  })
  .meta({ description: 'A commit listed in the push.' });
export type PushedCommit = z.infer<typeof PushedCommit>;

/**
 * A branch was pushed: the secret-auditor fetches exactly `before..after` itself, so the commit and
 * path lists here are hints for routing and display, bounded to keep the event well under the
 * Kafka message limit. Tags arrive as `tag` events, never as `push`.
 */
export const ScmPushEvent = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('push'),
    ...deliveryFields,
    /** The repository that received the push. */
    repository: RepositoryRef.meta({ description: 'The repository that received the push.' }),
    /** Full branch ref, e.g. `refs/heads/main`. */
    ref: BranchRef,
    /** Tip before the push; all zeros when the branch was created. */
    before: CommitSha.meta({ description: 'Tip before the push; all zeros when the branch was created.' }),
    /** Tip after the push; all zeros when the branch was deleted. */
    after: CommitSha.meta({ description: 'Tip after the push; all zeros when the branch was deleted.' }),
    /** True when the provider reported a non-fast-forward push. */
    forced: z.boolean().meta({ description: 'True when the provider reported a non-fast-forward push.' }),
    /** Login or name of whoever pushed. */
    pusher: z.string().max(200).meta({ description: 'Login or name of whoever pushed.' }),
    /** Commits the provider listed, oldest first (may be fewer than were pushed). */
    commits: z
      .array(PushedCommit)
      .max(100)
      .meta({ description: 'Commits the provider listed, oldest first (at most 100; may be fewer than were pushed).' }),
    /** Number of commits the provider says the push contained, when it says. */
    totalCommits: z.number().int().min(0).max(10_000_000).optional().meta({
      description: 'Number of commits the provider says the push contained, when it says.',
    }),
    /** True when `commits` is shorter than the push; the auditor walks git itself either way. */
    commitsTruncated: z.boolean().meta({
      description: 'True when `commits` is shorter than the push; the auditor walks git itself either way.',
    }),
    /** Paths added or modified by the listed commits, deduplicated (at most 500). */
    changedPaths: z
      .array(z.string().min(1).max(1024))
      .max(500)
      .meta({ description: 'Paths added or modified by the listed commits, deduplicated (at most 500).' }),
    /** True when `changedPaths` is incomplete (provider cap, our cap, or a path too long to carry). */
    pathsTruncated: z.boolean().meta({
      description: 'True when `changedPaths` is incomplete (provider cap, our cap, or a path too long to carry).',
    }),
  })
  .meta({ description: 'A branch was pushed (created, updated, force-pushed or deleted).' });
export type ScmPushEvent = z.infer<typeof ScmPushEvent>;
