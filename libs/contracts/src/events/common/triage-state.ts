import { z } from 'zod';

/**
 * Triage of a secret finding, org-wide and keyed by fingerprint, so a decision survives the line
 * moving and covers the same secret in every repository.
 */
export const TriageState = z.enum(['open', 'false_positive', 'rotated', 'accepted']).meta({
  description: '`open`, `false_positive`, `rotated` (revoked, history keeps it) or `accepted` (a known risk, possibly until a date).',
});
export type TriageState = z.infer<typeof TriageState>;
