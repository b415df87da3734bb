import { z } from 'zod';
import { deliveryFields } from '../common/delivery.js';
import { BranchRef, CommitSha, RepositoryRef } from '../common/repository.js';
import { eventKind } from '../common/scalars.js';

/** One side of a pull request. */
export const PullRequestSide = z
  .object({
    /** Full branch ref of this side. */
    ref: BranchRef.meta({ description: 'Full branch ref of this side.' }),
    /** Tip commit of this side when the event happened. */
    sha: CommitSha.meta({ description: 'Tip commit of this side when the event happened.' }),
  })
  .meta({ description: 'One side of a pull request.' });

/** The target side of a pull request: its tip may be unknown. */
export const PullRequestBaseSide = z
  .object({
    /** Full branch ref of the target branch. */
    ref: BranchRef.meta({ description: 'Full branch ref of the target branch.' }),
    /** Tip commit of the target branch; absent when the provider does not send it, e.g. GitLab merge request hooks. */
    sha: CommitSha.optional().meta({
      description: 'Tip commit of the target branch; absent when the provider does not send it, e.g. GitLab merge request hooks.',
    }),
  })
  .meta({ description: 'Target side of a pull request; its tip commit may be absent.' });

/**
 * A pull (merge) request changed. Providers' vocabularies are mapped: GitLab `update` with new
 * commits and Bitbucket `pr:from_ref_updated` become `synchronize`; a merge is `merged`, not `closed`.
 */
export const ScmPullRequestEvent = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('pull_request'),
    ...deliveryFields,
    /** The repository the pull request targets. */
    repository: RepositoryRef.meta({ description: 'The repository the pull request targets.' }),
    /** What happened to the pull request. */
    action: z.enum(['opened', 'synchronize', 'closed', 'merged', 'reopened']).meta({
      description: 'What happened: `opened`, `synchronize` (new commits on the head), `closed` (without merge), `merged`, `reopened`.',
    }),
    /** Provider's pull request number (GitLab: merge request iid). */
    number: z.number().int().min(1).max(2_147_483_647).meta({
      description: "Provider's pull request number (GitLab: merge request iid).",
    }),
    /** Title, truncated to 256 characters. */
    title: z.string().max(256).meta({ description: 'Title, truncated to 256 characters.' }),
    /** Login of the pull request's author. */
    author: z.string().max(200).meta({ description: "Login of the pull request's author." }),
    /** Source branch and its tip. */
    head: PullRequestSide.meta({ description: 'Source branch and its tip.' }),
    /** Target branch and its tip; the tip is absent when the provider does not send it, e.g. GitLab merge request hooks. */
    base: PullRequestBaseSide.meta({
      description: 'Target branch and its tip; `sha` is absent when the provider does not send it, e.g. GitLab merge request hooks.',
    }),
    /** The fork the head branch lives in, when it is not `repository`; its commits are fetched through `repository`'s pull refs, never from the fork's URL. */
    headRepository: RepositoryRef.optional().meta({
      description: "The fork the head branch lives in, when it is not `repository`; fetched through `repository`'s pull refs, never from the fork's URL.",
    }),
  })
  .meta({ description: 'A pull or merge request was opened, updated, closed, merged or reopened.' });
export type ScmPullRequestEvent = z.infer<typeof ScmPullRequestEvent>;
