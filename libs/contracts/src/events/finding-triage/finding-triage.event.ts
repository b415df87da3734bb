import { z } from 'zod';
import { operatorCommandFields } from '../common/operator-command.js';
import { ReleaseId } from '../common/release-id.js';
import { eventKind, IsoDateTime, Sha256Hex } from '../common/scalars.js';
import { TriageState } from '../common/triage-state.js';

/**
 * Triage a secret finding by fingerprint. The decision is org-wide: it covers the same secret in
 * every repository and survives the line moving.
 */
export const FindingTriageCommand = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('finding.triage'),
    ...operatorCommandFields,
    /** Fingerprint of the finding, as `audit.completed` reported it. */
    fingerprint: Sha256Hex.meta({ description: 'Fingerprint of the finding, as `audit.completed` reported it.' }),
    /** New triage state. */
    state: TriageState.meta({ description: 'New triage state.' }),
    /** For `accepted`: when the acceptance lapses and the finding counts again; absent means until changed. */
    until: IsoDateTime.optional().meta({
      description: 'For `accepted`: when the acceptance lapses and the finding counts again; absent means until changed.',
    }),
    /** Why, for the audit trail. */
    reason: z.string().min(1).max(500).meta({ description: 'Why, for the audit trail.' }),
    /** Release whose thread the decision was made from, for context. */
    releaseId: ReleaseId.optional().meta({ description: 'Release whose thread the decision was made from, for context.' }),
  })
  .meta({ description: 'An operator triaged a secret finding.' });
export type FindingTriageCommand = z.infer<typeof FindingTriageCommand>;
