import { randomUUID } from 'node:crypto';
import type { BodyOf, TopicDefinition } from '../topics/topic-definition.js';

/**
 * CloudEvents 1.0 in Kafka *binary* content mode: attributes travel as `ce_*` headers, the body is
 * the JSON message value (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md).
 */
export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  subject: 'ce_subject',
  time: 'ce_time',
  /** Extension attribute: the release (`repo@sha`) this event is about. */
  releaseid: 'ce_releaseid',
  /** Extension attribute: the webhook delivery that started the chain. */
  deliveryid: 'ce_deliveryid',
  contentType: 'content-type',
  /** W3C trace context (https://www.w3.org/TR/trace-context/), carried as a plain header. */
  traceparent: 'traceparent',
} as const;

export const SPEC_VERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json';
/** Upper bound of a message value we agree to parse. Larger values go to the DLQ unparsed. */
export const MAX_EVENT_BYTES = 1024 * 1024;

/** A decoded, validated event as handlers see it. */
export interface CloudEvent<TBody> {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  releaseId: string | undefined;
  deliveryId: string | undefined;
  traceparent: string | undefined;
  body: TBody;
}

/** Attributes a producer may set; the rest are derived. */
export interface EventMetadata {
  /** Reuse an id to make a re-publish of the same fact deduplicable downstream. */
  id?: string;
  /** `/portcullis/<service>`. */
  source: string;
  time?: Date;
  releaseId?: string;
  deliveryId?: string;
  traceparent?: string;
}

/** A message ready for any Kafka client: string headers, Buffer value. */
export interface EncodedEvent {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export function eventTypeOf(topic: TopicDefinition, kind: string): string {
  return `dev.portcullis.${topic.name}.${kind}.v${topic.version}`;
}

/**
 * Validates `body` against the topic's schema and encodes it. Throws a ZodError for an invalid
 * body: producing an invalid event is a bug in the producer, never something to send.
 */
export function encodeEvent<T extends TopicDefinition>(topic: T, body: BodyOf<T>, metadata: EventMetadata): EncodedEvent {
  const parsed = topic.schema.parse(body) as BodyOf<T>;
  const headers: Record<string, string> = {
    [CE_HEADERS.specversion]: SPEC_VERSION,
    [CE_HEADERS.id]: metadata.id ?? randomUUID(),
    [CE_HEADERS.type]: eventTypeOf(topic, parsed.kind),
    [CE_HEADERS.source]: metadata.source,
    [CE_HEADERS.subject]: topic.subjectOf(parsed),
    [CE_HEADERS.time]: (metadata.time ?? new Date()).toISOString(),
    [CE_HEADERS.contentType]: JSON_CONTENT_TYPE,
  };
  if (metadata.releaseId) headers[CE_HEADERS.releaseid] = metadata.releaseId;
  if (metadata.deliveryId) headers[CE_HEADERS.deliveryid] = metadata.deliveryId;
  if (metadata.traceparent) headers[CE_HEADERS.traceparent] = metadata.traceparent;
  return { key: topic.keyOf(parsed), value: Buffer.from(JSON.stringify(parsed)), headers };
}

export type DecodeFailure = {
  ok: false;
  /** MISSING_HEADER | BAD_SPECVERSION | BAD_CONTENT_TYPE | TOO_LARGE | BAD_JSON | SCHEMA | TYPE_MISMATCH */
  code: string;
  reason: string;
};
export type DecodeResult<TBody> = { ok: true; event: CloudEvent<TBody> } | DecodeFailure;

/** Header values as any Kafka client hands them over. */
export type RawHeaders = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

export function headerValue(headers: RawHeaders, name: string): string | undefined {
  const raw = headers[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}

/**
 * Decodes and validates a message from `topic`. Never throws: every way a message can be wrong
 * comes back as a failure with a code and a reason that does not echo the body.
 */
export function decodeEvent<T extends TopicDefinition>(
  topic: T,
  message: { headers: RawHeaders; value: Buffer | null },
): DecodeResult<BodyOf<T>> {
  const fail = (code: string, reason: string): DecodeFailure => ({ ok: false, code, reason });
  const h = (name: string) => headerValue(message.headers, name);
  for (const required of [CE_HEADERS.specversion, CE_HEADERS.id, CE_HEADERS.type, CE_HEADERS.source, CE_HEADERS.time]) {
    if (!h(required)) return fail('MISSING_HEADER', `header ${required} is missing`);
  }
  if (h(CE_HEADERS.specversion) !== SPEC_VERSION) return fail('BAD_SPECVERSION', `ce_specversion must be ${SPEC_VERSION}`);
  const contentType = h(CE_HEADERS.contentType);
  if (contentType !== undefined && !contentType.startsWith(JSON_CONTENT_TYPE)) {
    return fail('BAD_CONTENT_TYPE', `content-type must be ${JSON_CONTENT_TYPE}`);
  }
  if (!message.value) return fail('BAD_JSON', 'message has no value');
  if (message.value.length > MAX_EVENT_BYTES) return fail('TOO_LARGE', `value exceeds ${MAX_EVENT_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch {
    return fail('BAD_JSON', 'value is not valid JSON');
  }
  const parsed = topic.schema.safeParse(json);
  if (!parsed.success) {
    // Paths and messages only: zod issues can carry the received value, which may be anything.
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return fail('SCHEMA', `body does not match ${topic.name}: ${issues.join('; ')}`);
  }
  const body = parsed.data as BodyOf<T>;
  const type = h(CE_HEADERS.type)!;
  if (type !== eventTypeOf(topic, body.kind)) return fail('TYPE_MISMATCH', `ce_type ${type} does not match body kind ${body.kind}`);
  return {
    ok: true,
    event: {
      id: h(CE_HEADERS.id)!,
      type,
      source: h(CE_HEADERS.source)!,
      subject: h(CE_HEADERS.subject) ?? '',
      time: h(CE_HEADERS.time)!,
      releaseId: h(CE_HEADERS.releaseid),
      deliveryId: h(CE_HEADERS.deliveryid),
      traceparent: h(CE_HEADERS.traceparent),
      body,
    },
  };
}
