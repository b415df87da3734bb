import { type BodyOf, ScmEvents } from '@portcullis/contracts';
import { type z } from 'zod';

/** One problem with a payload: where, and what, never the offending value. */
export interface PayloadIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * What a verified, parsed delivery turns into:
 * - `event`: publish `body` on `topic` (already valid against the topic's schema);
 * - `ignored`: valid but uninteresting (a `star`, a label change): answer 202, publish nothing, count `reason`;
 * - `ping`: the provider's connectivity check: answer it, publish nothing;
 * - `invalid`: the payload lacks or misshapes fields we need: answer 422 with `issues`.
 */
export type NormaliseOutcome =
  | { readonly kind: 'event'; readonly topic: typeof ScmEvents; readonly body: BodyOf<typeof ScmEvents> }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'ping' }
  | { readonly kind: 'invalid'; readonly issues: readonly PayloadIssue[] };

/** Delivery facts the normaliser cannot know from the payload. */
export interface DeliveryContext {
  /** From `deliveryIdOf`. */
  readonly deliveryId: string;
  /** When intake accepted the delivery, RFC 3339 UTC, from the caller's clock. */
  readonly receivedAt: string;
}

export function ignored(reason: string): NormaliseOutcome {
  return { kind: 'ignored', reason };
}

/** Issues of a zod error, with paths and messages only: zod messages name the expectation, not the value. */
export function issuesOf(error: z.ZodError): PayloadIssue[] {
  return error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/** Validates a body against the scm.events schema, so intake never publishes something consumers reject. */
export function scmEvent(body: unknown): NormaliseOutcome {
  const parsed = ScmEvents.schema.safeParse(body);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  return { kind: 'event', topic: ScmEvents, body: parsed.data };
}
