import { z } from 'zod';
import { deliveryFields } from '../common/delivery.js';
import { CommitSha, RepositoryRef, TagRef } from '../common/repository.js';
import { eventKind } from '../common/scalars.js';

/**
 * A tag was created or deleted. A tag names a commit a branch push normally brought already, so the
 * auditor only audits it when that commit was never scanned.
 */
export const ScmTagEvent = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('tag'),
    ...deliveryFields,
    /** The repository the tag belongs to. */
    repository: RepositoryRef.meta({ description: 'The repository the tag belongs to.' }),
    /** Whether the tag appeared or went away. A moved tag is `deleted` then `created`. */
    action: z.enum(['created', 'deleted']).meta({
      description: 'Whether the tag appeared or went away. A moved tag is `deleted` then `created`.',
    }),
    /** Full tag ref, e.g. `refs/tags/v1.2.0`. */
    ref: TagRef,
    /** Commit the tag points at (for `deleted`: pointed at). Annotated tags are peeled to their commit. */
    sha: CommitSha.meta({
      description: 'Commit the tag points at (for `deleted`: pointed at). Annotated tags are peeled to their commit.',
    }),
    /** Login or name of whoever pushed the tag. */
    pusher: z.string().max(200).meta({ description: 'Login or name of whoever pushed the tag.' }),
  })
  .meta({ description: 'A tag was created or deleted.' });
export type ScmTagEvent = z.infer<typeof ScmTagEvent>;
