import { deliveryIdOf } from '@portcullis/webhooks';
import { inspect } from 'node:util';

/** What a builder produced: one HTTP request, byte for byte as the sender would make it. */
export interface BuiltDelivery {
  /** Which sender this imitates. */
  readonly kind: 'github-push' | 'distribution-push' | 'ci-build';
  readonly method: 'POST';
  /** Path on the intake, e.g. `/v1/webhooks/github` or `/v1/builds`. */
  readonly path: string;
  /** Lower-case header names. May carry a credential (`authorization`): never log them whole. */
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body; signatures cover its UTF-8 bytes, so send it as is, never re-serialised. */
  readonly body: string;
  /**
   * The id intake will deduplicate and record this delivery under: the provider's delivery header
   * when it sends one (GitHub), else `sha256:<hex of the body>` (distribution, CI).
   */
  readonly deliveryId: string;
}

/** Headers whose value is itself a secret (a signature is not: it cannot be turned back into the secret). */
const CREDENTIAL_HEADERS = new Set(['authorization']);

function masked(delivery: BuiltDelivery): object {
  const headers = Object.fromEntries(
    Object.entries(delivery.headers).map(([name, value]) => [name, CREDENTIAL_HEADERS.has(name) ? '***' : value]),
  );
  return { kind: delivery.kind, method: delivery.method, path: delivery.path, headers, deliveryId: delivery.deliveryId, bodyBytes: Buffer.byteLength(delivery.body) };
}

/**
 * Freezes a delivery and makes `JSON.stringify` and `util.inspect` (what loggers call) show it
 * with credential headers masked and without the body, so a harness that logs a failed delivery
 * cannot leak the registry's `Authorization` value. The properties themselves stay readable.
 */
export function sealDelivery(delivery: BuiltDelivery): BuiltDelivery {
  const sealed = { ...delivery, headers: Object.freeze({ ...delivery.headers }) };
  Object.defineProperties(sealed, {
    toJSON: { value: () => masked(sealed), enumerable: false },
    [inspect.custom]: { value: () => masked(sealed), enumerable: false },
  });
  return Object.freeze(sealed);
}

/** A delivery to a webhook source (`/v1/webhooks/<sourceId>`), with the id the intake records it under. */
export function sourceDelivery(
  kind: 'github-push' | 'distribution-push',
  provider: Parameters<typeof deliveryIdOf>[0],
  sourceId: string,
  headers: Record<string, string>,
  body: string,
): BuiltDelivery {
  return sealDelivery({
    kind,
    method: 'POST',
    path: `/v1/webhooks/${encodeURIComponent(sourceId)}`,
    headers,
    body,
    deliveryId: deliveryIdOf(provider, headers, Buffer.from(body, 'utf8')).id,
  });
}
