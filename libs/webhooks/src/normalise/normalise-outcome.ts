import { type BodyOf, RegistryEvents, ScmEvents, validateEventBody } from '@portcullis/contracts';
import { type z } from 'zod';

/** One problem with a payload: where, and what, never the offending value. */
export interface PayloadIssue {
  readonly path: string;
  readonly message: string;
}

/** One body to publish, already valid against its topic's schema. */
export type PublishableEvent =
  | { readonly topic: typeof ScmEvents; readonly body: BodyOf<typeof ScmEvents> }
  | { readonly topic: typeof RegistryEvents; readonly body: BodyOf<typeof RegistryEvents> };

export interface IgnoredOutcome {
  readonly kind: 'ignored';
  readonly reason: string;
}
export interface PingOutcome {
  readonly kind: 'ping';
}
export interface InvalidOutcome {
  readonly kind: 'invalid';
  readonly issues: readonly PayloadIssue[];
}

/**
 * What the single-event git normalisers (GitHub, GitLab, Gitea) return: one `scm.events` body at
 * most. Assignable to `NormaliseOutcome`; kept narrow so callers written against it keep compiling.
 */
export type ScmNormaliseOutcome =
  | { readonly kind: 'event'; readonly topic: typeof ScmEvents; readonly body: BodyOf<typeof ScmEvents> }
  | IgnoredOutcome
  | PingOutcome
  | InvalidOutcome;

/**
 * What a verified, parsed delivery turns into:
 * - `event`: publish `body` on `topic` (already valid against the topic's schema);
 * - `events`: publish every item, in order (one delivery that carries several changes: a Bitbucket
 *   push of several refs, a distribution envelope of several pushes); always at least one item.
 *   Answer 2xx only when all of them are acknowledged;
 * - `ignored`: valid but uninteresting (a `star`, a label change): answer 202, publish nothing, count `reason`;
 * - `ping`: the provider's connectivity check: answer it, publish nothing;
 * - `invalid`: the payload lacks or misshapes fields we need: answer 422 with `issues`.
 * `publishablesOf` flattens `event` and `events` for callers that do not care which it was.
 */
export type NormaliseOutcome =
  | ({ readonly kind: 'event' } & PublishableEvent)
  | { readonly kind: 'events'; readonly items: readonly PublishableEvent[] }
  | IgnoredOutcome
  | PingOutcome
  | InvalidOutcome;

/** Delivery facts the normaliser cannot know from the payload. */
export interface DeliveryContext {
  /** From `deliveryIdOf`. */
  readonly deliveryId: string;
  /** When intake accepted the delivery, RFC 3339 UTC, from the caller's clock. */
  readonly receivedAt: string;
  /**
   * Registry sources only: the configured registry host the webhook was authenticated for
   * (`registry.example.com:5000`). It becomes `image.registry`; a host named in the payload never does.
   */
  readonly registryId?: string | undefined;
}

/** Every normaliser has this shape, so intake can dispatch on the source's provider (`normaliserFor`). */
export type Normaliser = (eventType: string | undefined, payload: unknown, delivery: DeliveryContext) => NormaliseOutcome;

export function ignored(reason: string): IgnoredOutcome {
  return { kind: 'ignored', reason };
}

export function invalid(path: string, message: string): InvalidOutcome {
  return { kind: 'invalid', issues: [{ path, message }] };
}

/** Issues of a zod error, with paths and messages only: zod messages name the expectation, not the value. */
export function issuesOf(error: z.ZodError): PayloadIssue[] {
  return error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/** The delivery fields every event body carries (never `registryId`, which is not part of a body). */
export function deliveryFieldsOf(delivery: DeliveryContext): { deliveryId: string; receivedAt: string } {
  return { deliveryId: delivery.deliveryId, receivedAt: delivery.receivedAt };
}

/** Validates a body against the scm.events schema, so intake never publishes something consumers reject. */
export function scmEvent(body: unknown): ScmNormaliseOutcome {
  const parsed = validateEventBody(ScmEvents, body);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  return { kind: 'event', topic: ScmEvents, body: parsed.data };
}

/** Validates a body against the registry.events schema. */
export function registryEvent(body: unknown): NormaliseOutcome {
  const parsed = validateEventBody(RegistryEvents, body);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  return { kind: 'event', topic: RegistryEvents, body: parsed.data };
}

/** The bodies to publish for an outcome, in order; none for `ignored`, `ping` and `invalid`. */
export function publishablesOf(outcome: NormaliseOutcome): readonly PublishableEvent[] {
  if (outcome.kind === 'events') return outcome.items;
  if (outcome.kind === 'event') return [outcome];
  return [];
}

/**
 * Combines the outcomes of the parts of one delivery (one per ref change, one per envelope event):
 * any invalid part makes the delivery invalid (issue paths prefixed with `prefix.<index>`), so a
 * delivery is never half published; ignored parts are dropped; nothing left → the first part's reason.
 */
export function combineOutcomes(parts: readonly NormaliseOutcome[], prefix: string, nothingReason: string): NormaliseOutcome {
  const issues = parts.flatMap((part, index) =>
    part.kind === 'invalid' ? part.issues.map((issue) => ({ path: `${prefix}.${index}.${issue.path}`, message: issue.message })) : [],
  );
  if (issues.length > 0) return { kind: 'invalid', issues: issues.slice(0, 20) };
  const items = parts.flatMap((part) => publishablesOf(part));
  if (items.length > 0) return { kind: 'events', items };
  const firstIgnored = parts.find((part) => part.kind === 'ignored');
  return ignored(firstIgnored?.kind === 'ignored' ? firstIgnored.reason : nothingReason);
}
