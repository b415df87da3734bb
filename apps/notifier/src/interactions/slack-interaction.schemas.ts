import { GitProvider, ImageDigest, IsoDateTime, NAME_PATTERN, OWNER_PATTERN, ReleaseId, Sha256Hex, VulnerabilityId } from '@portcullis/contracts';
import { z } from 'zod';

/**
 * The parts of a `block_actions` interaction the endpoint uses. Objects are loose on purpose:
 * Slack adds fields over time, and a new one must not turn every click into an error.
 */
export const BlockActionsPayload = z.object({
  type: z.literal('block_actions'),
  user: z.object({
    id: z.string().regex(/^[A-Z0-9]{2,32}$/),
    username: z.string().min(1).max(200).optional(),
    name: z.string().min(1).max(200).optional(),
  }),
  trigger_id: z.string().regex(/^[A-Za-z0-9.]{1,100}$/).optional(),
  channel: z.object({ id: z.string().min(1).max(64) }).optional(),
  container: z.object({ message_ts: z.string().max(32).optional(), channel_id: z.string().max(64).optional() }).optional(),
  message: z.object({ ts: z.string().max(32) }).optional(),
  response_url: z.string().max(2000).optional(),
  state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ type: z.string(), value: z.string().nullish() }))) }).optional(),
  actions: z
    .array(
      z.object({
        action_id: z.string().min(1).max(255),
        value: z.string().max(2000).optional(),
        action_ts: z.string().regex(/^\d{1,12}(\.\d{1,9})?$/),
      }),
    )
    .min(1)
    .max(25),
});
export type BlockActionsPayload = z.infer<typeof BlockActionsPayload>;

/** Only the interaction type is read first, to tell "not ours" (200) from "broken" (400). */
export const InteractionType = z.object({ type: z.string().max(64) });

/** `provider/owner/name`, as button values carry a repository. */
export const RepositoryKey = z
  .string()
  .max(400)
  .regex(new RegExp(`^(${GitProvider.options.join('|')})/(${OWNER_PATTERN})/(${NAME_PATTERN})$`), 'provider/owner/name');

/** Value of a `finding.triage` button: which finding, where it was seen, and the new state. */
export const FindingTriageValue = z.strictObject({
  fingerprint: Sha256Hex,
  repository: RepositoryKey,
  state: z.enum(['false_positive', 'rotated']),
  releaseId: ReleaseId.optional(),
});
export type FindingTriageValue = z.infer<typeof FindingTriageValue>;

/** Value of a `vulnerability.accept` button: the advisory, the repository and when the acceptance lapses. */
export const VulnerabilityAcceptValue = z.strictObject({
  vulnerabilityId: VulnerabilityId,
  repository: RepositoryKey,
  until: IsoDateTime,
  packageName: z.string().min(1).max(200).optional(),
  imageDigest: ImageDigest.optional(),
  releaseId: ReleaseId.optional(),
});
export type VulnerabilityAcceptValue = z.infer<typeof VulnerabilityAcceptValue>;

/** Parses a button value as JSON against `schema`; `undefined` for anything we did not render. */
export function decodeJsonValue<S extends z.ZodType>(schema: S, value: string | undefined): z.output<S> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  const result = schema.safeParse(parsed);
  return result.success ? result.data : undefined;
}

/** Splits `provider/owner/name` (owner may hold `/`, the name never does). */
export function repositoryOfKey(key: string): { provider: GitProvider; owner: string; name: string } {
  const first = key.indexOf('/');
  const last = key.lastIndexOf('/');
  return { provider: key.slice(0, first) as GitProvider, owner: key.slice(first + 1, last), name: key.slice(last + 1) };
}
