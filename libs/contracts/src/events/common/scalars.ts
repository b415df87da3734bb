import { z } from 'zod';

/**
 * An RFC 3339 timestamp with an explicit offset (`Z` or `+02:00`). Producers write UTC (`Z`);
 * offsets are accepted because provider payloads carry them.
 */
export const IsoDateTime = z.iso.datetime({ offset: true }).max(40).meta({ description: 'RFC 3339 timestamp.' });

/**
 * A stable machine-readable reason, `UPPER_SNAKE` for failures (`FETCH_FAILED`) or `PascalCase`
 * for deploy conditions (`GateBlocked`). Free strings, not enums: a new reason must not make older
 * consumers reject the whole event.
 */
export const ReasonCode = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'letters, digits and _')
  .meta({ description: 'Stable machine-readable reason code.' });

/** A sentence for people. Producers must never put a secret, token or credentialed URL in it. */
export const HumanMessage = z.string().max(1000).meta({ description: 'Explanation for people; never contains a secret.' });

/** Lower-case hex SHA-256 (content hashes, HMAC-SHA256 fingerprints). */
export const Sha256Hex = z
  .string()
  .length(64)
  .regex(/^[0-9a-f]{64}$/, '64 lower-case hex characters')
  .meta({ description: 'Lower-case hex SHA-256.' });

/** An opaque identifier chosen by a client or provider (delivery ids, request ids, build ids). */
export const OpaqueId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@/+=-]+$/, 'letters, digits and . _ : @ / + = -')
  .meta({ description: 'Opaque identifier.' });

/** Environment names double as Kubernetes label values, hence the DNS-label shape. */
export const EnvironmentName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'a DNS label: lower-case letters, digits and -')
  .meta({ description: 'Deployment environment as named in `.portcullis.yaml` (e.g. `staging`).' });

/** The `kind` discriminator of a body; with the topic and its version it makes the CloudEvents type. */
export function eventKind<const K extends string>(kind: K) {
  return z.literal(kind).meta({ description: 'Event kind; with topic and version it makes the CloudEvents `type`.' });
}
