import { z } from 'zod';
import { operatorCommandFields } from '../common/operator-command.js';
import { ReleaseId } from '../common/release-id.js';
import { EnvironmentName, eventKind } from '../common/scalars.js';

/**
 * Move a deploying release past its pause now: for blue-green, switch live traffic to the new
 * version without waiting for the rest of the preview window.
 */
export const ReleasePromoteCommand = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('release.promote'),
    ...operatorCommandFields,
    /** The release to promote. */
    releaseId: ReleaseId.meta({ description: 'The release to promote.' }),
    /** Environment it is deploying to. */
    environment: EnvironmentName.meta({ description: 'Environment it is deploying to.' }),
    /** Optional note shown in the release thread. */
    comment: z.string().max(500).optional().meta({ description: 'Optional note shown in the release thread.' }),
  })
  .meta({ description: 'An operator promoted a deploying release (blue-green: switch traffic now).' });
export type ReleasePromoteCommand = z.infer<typeof ReleasePromoteCommand>;
