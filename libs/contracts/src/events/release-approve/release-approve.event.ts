import { z } from 'zod';
import { operatorCommandFields } from '../common/operator-command.js';
import { ReleaseId } from '../common/release-id.js';
import { EnvironmentName, eventKind } from '../common/scalars.js';

/** Approve a release waiting for approval in an environment that requires one. */
export const ReleaseApproveCommand = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('release.approve'),
    ...operatorCommandFields,
    /** The release to approve. */
    releaseId: ReleaseId.meta({ description: 'The release to approve.' }),
    /** Environment the approval is for. */
    environment: EnvironmentName.meta({ description: 'Environment the approval is for.' }),
    /** Optional note shown in the release thread. */
    comment: z.string().max(500).optional().meta({ description: 'Optional note shown in the release thread.' }),
  })
  .meta({ description: 'An operator approved a release for an environment.' });
export type ReleaseApproveCommand = z.infer<typeof ReleaseApproveCommand>;
