import { z } from 'zod';
import { operatorCommandFields } from '../common/operator-command.js';
import { BranchRef } from '../common/repository.js';
import { eventKind } from '../common/scalars.js';

/**
 * Audit the whole history of one branch of a repository for secrets, at low priority (pushes go
 * first). The result is an `audit.completed` for the branch head whose range starts at nothing.
 */
export const SecretsSweepCommand = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('secrets.sweep'),
    ...operatorCommandFields,
    /** Branch to sweep; absent = the repository's default branch (`main`, else `master`). */
    ref: BranchRef.optional().meta({ description: 'Branch to sweep; absent = the default branch (`main`, else `master`).' }),
    /** Why, for the audit trail. */
    reason: z.string().min(1).max(500).meta({ description: 'Why, for the audit trail.' }),
  })
  .meta({ description: 'An operator asked for a full-history secret sweep of a repository branch.' });
export type SecretsSweepCommand = z.infer<typeof SecretsSweepCommand>;
