import { z } from 'zod';
import { CommitRange } from '../audit-completed/audit-completed.event.js';
import { ReleaseId } from '../common/release-id.js';
import { GitRef, RepositoryRef } from '../common/repository.js';
import { eventKind, HumanMessage, ReasonCode } from '../common/scalars.js';

/**
 * The auditor gave up on a release (after its own retries): the deploy gate stays closed and the
 * owners are told why, instead of the release waiting forever.
 */
export const AuditFailedEvent = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('audit.failed'),
    /** The release that could not be audited. */
    releaseId: ReleaseId.meta({ description: 'The release that could not be audited.' }),
    /** The repository. */
    repository: RepositoryRef.meta({ description: 'The repository.' }),
    /** Ref whose push triggered the audit. */
    ref: GitRef.meta({ description: 'Ref whose push triggered the audit.' }),
    /** Commits that were to be audited. */
    range: CommitRange.meta({ description: 'Commits that were to be audited.' }),
    /** Why: `REPOSITORY_NOT_FOUND`, `FETCH_FAILED`, `AUTH_FAILED`, `RANGE_UNAVAILABLE`, `TIMEOUT`, … */
    code: ReasonCode.meta({
      description: 'Why: `REPOSITORY_NOT_FOUND`, `FETCH_FAILED`, `AUTH_FAILED`, `RANGE_UNAVAILABLE`, `TIMEOUT`, …',
    }),
    /** Explanation for people; never contains a secret or credentialed URL. */
    message: HumanMessage,
  })
  .meta({ description: 'The audit of a pushed range could not be carried out.' });
export type AuditFailedEvent = z.infer<typeof AuditFailedEvent>;
