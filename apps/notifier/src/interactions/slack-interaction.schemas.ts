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
