import { OpaqueId } from '@portcullis/contracts';
import { headerValue, type WebhookHeaders } from '../http/headers.js';
import { sha256Hex } from '../signatures/constant-time.js';
import { type WebhookSourceKind } from './webhook-source.js';

/** The header carrying each provider's delivery id; providers missing here have none. */
const DELIVERY_HEADERS: Partial<Record<WebhookSourceKind, readonly string[]>> = {
  github: ['x-github-delivery'],
  gitlab: ['x-gitlab-event-uuid'],
  bitbucket: ['x-request-uuid'],
  'bitbucket-dc': ['x-request-id'],
  gitea: ['x-gitea-delivery'],
  forgejo: ['x-forgejo-delivery', 'x-gitea-delivery'],
};

/** The header naming the event type, per git provider. */
const EVENT_HEADERS: Partial<Record<WebhookSourceKind, readonly string[]>> = {
  github: ['x-github-event'],
  gitlab: ['x-gitlab-event'],
  bitbucket: ['x-event-key'],
  'bitbucket-dc': ['x-event-key'],
  gitea: ['x-gitea-event'],
  forgejo: ['x-forgejo-event', 'x-gitea-event'],
};

export interface DeliveryId {
  /** Value to deduplicate on and to put in the event's `deliveryId`. */
  readonly id: string;
  /** Where it came from: the provider's header, or a hash of the body when there is none. */
  readonly from: 'header' | 'body-hash';
}

/** `sha256:<hex of the raw body>`: the delivery id of sources that send none. */
export function bodyHashDeliveryId(rawBody: Uint8Array): string {
  return `sha256:${sha256Hex(rawBody)}`;
}

/**
 * The delivery id of a verified request. Falls back to the body hash when the provider sends no
 * id, or sends one that does not fit the contracts' `OpaqueId` (it is only ever used as a key, so
 * a malformed one must not reach Redis or Kafka headers). A body hash deduplicates a provider's
 * retry of the same bytes as well as an attacker's replay.
 */
export function deliveryIdOf(source: WebhookSourceKind, headers: WebhookHeaders, rawBody: Uint8Array): DeliveryId {
  for (const name of DELIVERY_HEADERS[source] ?? []) {
    const value = headerValue(headers, name)?.trim();
    if (value !== undefined && OpaqueId.safeParse(value).success) return { id: value, from: 'header' };
  }
  return { id: bodyHashDeliveryId(rawBody), from: 'body-hash' };
}

/** The provider's event type (`push`, `Push Hook`, `repo:push`, …), or undefined when absent. */
export function eventTypeOf(source: WebhookSourceKind, headers: WebhookHeaders): string | undefined {
  for (const name of EVENT_HEADERS[source] ?? []) {
    const value = headerValue(headers, name)?.trim();
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}
