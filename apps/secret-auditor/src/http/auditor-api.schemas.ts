import { OpaqueId, Sha256Hex, TriageState } from '@portcullis/contracts';
import { z } from 'zod';
import { endOfDayIfDate } from '@portcullis/secrets';
import { parseRepositoryKey } from '../repository-key.js';

/** Printable text on one line: names and reasons end up in Slack threads and logs. */
const OneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`)
    .regex(/^[^\p{Cc}]+$/u, 'no control characters');

const RepositoryKey = z
  .string()
  .max(400)
  .transform((value, ctx) => {
    const repository = parseRepositoryKey(value);
    if (repository === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a repository as provider/owner/name, e.g. github/acme/shop' });
      return z.NEVER;
    }
    return repository;
  });

export const FingerprintParams = z.strictObject({ fingerprint: Sha256Hex });

export const ListIncidentsQuery = z.strictObject({
  state: TriageState.optional(),
  cursor: Sha256Hex.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** `PUT /v1/secrets/triage/:fingerprint`. */
export const TriageDecisionBody = z.strictObject({
  state: TriageState,
  reason: OneLine(500),
  /** A date (through the end of that day, UTC) or an RFC 3339 time; only with `accepted`. */
  until: z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'a date (2027-01-31) or an RFC 3339 time' })
    .transform(endOfDayIfDate)
    .optional(),
  by: OneLine(200),
  /** Only needed for a fingerprint no audit has reported yet (it keys the Kafka command). */
  repository: RepositoryKey.optional(),
  /** Client-chosen; a retry with the same id is applied once. */
  requestId: OpaqueId.optional(),
});

/** `POST /v1/secrets/sweeps`. */
export const SweepRequestBody = z.strictObject({
  repository: RepositoryKey,
  /** Branch (`refs/heads/…`); absent = the default branch. */
  ref: z.string().regex(/^refs\/heads\/[^\s~^:?*[\\]{1,200}$/, 'a branch ref, refs/heads/…').optional(),
  reason: OneLine(500).optional(),
  by: OneLine(200),
  requestId: OpaqueId.optional(),
});
