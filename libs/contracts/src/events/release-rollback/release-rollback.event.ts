import { z } from 'zod';
import { operatorCommandFields } from '../common/operator-command.js';
import { ReleaseId } from '../common/release-id.js';
import { EnvironmentName, eventKind } from '../common/scalars.js';

/**
 * Roll an environment back from a release to the last known good one. The release is quarantined
 * like after an automatic rollback, so the next sync does not bring it back.
 */
export const ReleaseRollbackCommand = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('release.rollback'),
    ...operatorCommandFields,
    /** The release to roll back from. */
    releaseId: ReleaseId.meta({ description: 'The release to roll back from.' }),
    /** Environment to roll back. */
    environment: EnvironmentName.meta({ description: 'Environment to roll back.' }),
    /** Why, for the release thread and the audit trail. */
    reason: z.string().min(1).max(500).meta({ description: 'Why, for the release thread and the audit trail.' }),
  })
  .meta({ description: 'An operator asked to roll an environment back from a release.' });
export type ReleaseRollbackCommand = z.infer<typeof ReleaseRollbackCommand>;
