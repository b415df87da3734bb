import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { BodyOf, TopicDefinition } from '../topics/topic-definition.js';
import { compileBodyValidator, type BodyValidation } from './body-validator.js';
import { EventEncodingError } from './event-encoding.error.js';

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

/** Headers a decodable message must carry. */
export const REQUIRED_CE_HEADERS = [CE_HEADERS.specversion, CE_HEADERS.id, CE_HEADERS.type, CE_HEADERS.source, CE_HEADERS.time] as const;

export const SPEC_VERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json';
/**
 * Upper bound of a message value, on both sides: a producer gets an error instead of a broker
 * rejection, and a consumer sends anything larger to the DLQ unparsed. Kafka's default
 * `message.max.bytes` is just above 1 MiB for the whole record batch, headers included, so the
 * bound leaves room for the CloudEvents headers and the batch overhead.
 */
export const MAX_EVENT_BYTES = 900 * 1024;

/** A decoded, validated event as handlers see it. */
export interface CloudEvent<TBody> {
  /** Producer-chosen id; the same fact re-published keeps its id. */
  id: string;
  /** `dev.portcullis.<topic>.<kind>.v<version>`. */
  type: string;
  /** `/portcullis/<service>` of the producer. */
  source: string;
  /** Release, repository or image digest the event is about; empty when the producer set none. */
  subject: string;
  /** RFC 3339 time of the fact. */
  time: string;
  /** `ce_releaseid`: the release the event is about, when it is about one. */
  releaseId: string | undefined;
  /** `ce_deliveryid`: the webhook delivery that started the chain, when known. */
  deliveryId: string | undefined;
  /** W3C trace context of the producer. */
  traceparent: string | undefined;
  /** The validated body. */
  body: TBody;
}

/** Attributes a producer may set; the rest are derived. */
export interface EventMetadata {
  /** Reuse an id to make a re-publish of the same fact deduplicable downstream. */
  id?: string;
  /** `/portcullis/<service>`. */
  source: string;
  /** When the fact happened; defaults to now. */
  time?: Date;
  /** The release this is about; defaults to what the topic derives from the body. */
  releaseId?: string;
  /** The webhook delivery that started the chain; copy it from the event being handled. */
  deliveryId?: string;
  /** W3C `traceparent` of the current span. */
  traceparent?: string;
}

/** A message ready for any Kafka client: string headers, Buffer value. */
export interface EncodedEvent {
  /** Derived by the topic from the body: the ordering key. */
  key: string;
  /** The JSON body. */
  value: Buffer;
  /** CloudEvents binary-mode headers. */
  headers: Record<string, string>;
}

/** `dev.portcullis.<topic>.<kind>.v<version>`, e.g. `dev.portcullis.scm.events.push.v1`. */
export function eventTypeOf(topic: Pick<TopicDefinition, 'name' | 'version'>, kind: string): string {
  return `dev.portcullis.${topic.name}.${kind}.v${topic.version}`;
}

const validators = new WeakMap<TopicDefinition, (body: unknown) => BodyValidation<unknown>>();

/**
 * Validates a body against its topic's schema: zod's verdict and zod's errors, at the speed of the
 * compiled validator (see body-validator.ts). The same check `encodeEvent` and `decodeEvent` run.
 */
export function validateEventBody<T extends TopicDefinition>(topic: T, body: unknown): BodyValidation<BodyOf<T>> {
  let validate = validators.get(topic);
  if (!validate) {
    validate = compileBodyValidator(topic.schema as z.ZodType<unknown>);
    validators.set(topic, validate);
  }
  return validate(body) as BodyValidation<BodyOf<T>>;
}

/**
 * Validates `body` against the topic's schema and encodes it. Throws an `EventEncodingError`
 * (permanent) for an invalid or oversized body: producing one is a bug in the producer, never
 * something to send or to retry.
 */
export function encodeEvent<T extends TopicDefinition>(topic: T, body: BodyOf<T>, metadata: EventMetadata): EncodedEvent {
  const result = validateEventBody(topic, body);
  if (!result.success) {
    throw new EventEncodingError({
      code: 'INVALID_BODY',
      message: `body does not match ${topic.name}: ${describeIssues(result.error)}`,
      disposition: 'permanent',
    });
  }
  const parsed = result.data;
  const value = Buffer.from(JSON.stringify(parsed));
  if (value.length > MAX_EVENT_BYTES) {
    throw new EventEncodingError({
      code: 'TOO_LARGE',
      message: `${topic.name} ${parsed.kind} body is ${value.length} bytes, over ${MAX_EVENT_BYTES}; trim its lists and mark them truncated`,
      disposition: 'permanent',
    });
  }
  const derived = topic.correlationOf?.(parsed) ?? {};
  const releaseId = metadata.releaseId ?? derived.releaseId;
  const deliveryId = metadata.deliveryId ?? derived.deliveryId;
  const headers: Record<string, string> = {
    [CE_HEADERS.specversion]: SPEC_VERSION,
    [CE_HEADERS.id]: metadata.id ?? randomUUID(),
    [CE_HEADERS.type]: eventTypeOf(topic, parsed.kind),
    [CE_HEADERS.source]: metadata.source,
    [CE_HEADERS.subject]: topic.subjectOf(parsed),
    [CE_HEADERS.time]: (metadata.time ?? new Date()).toISOString(),
    [CE_HEADERS.contentType]: JSON_CONTENT_TYPE,
  };
  if (releaseId) headers[CE_HEADERS.releaseid] = releaseId;
  if (deliveryId) headers[CE_HEADERS.deliveryid] = deliveryId;
  if (metadata.traceparent) headers[CE_HEADERS.traceparent] = metadata.traceparent;
  return { key: topic.keyOf(parsed), value, headers };
}

/**
 * Paths and zod's messages only, at most five: zod issues can carry the received value, which may
 * be a secret. Paths are safe because no schema here has free-form keys (no records), so every
 * path segment is a field name we wrote or an array index.
 */
function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  const more = error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : '';
  return `${issues.join('; ')}${more}`;
}

/** Every way a message can fail to decode. All of them are permanent: the same bytes fail again. */
export type DecodeFailureCode =
  | 'MISSING_HEADER'
  | 'BAD_SPECVERSION'
  | 'BAD_CONTENT_TYPE'
  | 'TOO_LARGE'
  | 'BAD_JSON'
  | 'SCHEMA'
  | 'TYPE_MISMATCH';

/** What each decode failure means, for the generated docs and for people reading a DLQ. */
export const DECODE_FAILURE_DOCS: Record<DecodeFailureCode, string> = {
  MISSING_HEADER: 'A required `ce_*` header is absent.',
  BAD_SPECVERSION: '`ce_specversion` is not `1.0`.',
  BAD_CONTENT_TYPE: '`content-type` is present and not `application/json`.',
  TOO_LARGE: `The value is larger than ${MAX_EVENT_BYTES} bytes; it is not parsed.`,
  BAD_JSON: 'The value is missing or not JSON.',
  SCHEMA: 'The body does not match the topic schema (the reason names fields, never values).',
  TYPE_MISMATCH: '`ce_type` is not the type of the body’s `kind` on this topic and version.',
};

export type DecodeFailure = {
  ok: false;
  code: DecodeFailureCode;
  /** Safe to log and to put in a DLQ header: never echoes the body. */
  reason: string;
};
export type DecodeResult<TBody> = { ok: true; event: CloudEvent<TBody> } | DecodeFailure;

/** Header values as any Kafka client hands them over. */
export type RawHeaders = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

export function headerValue(headers: RawHeaders, name: string): string | undefined {
  const raw = headers[name];
  if (typeof raw === 'string') return raw; // consumers convert headers once; this is the hot path
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
  const fail = (code: DecodeFailureCode, reason: string): DecodeFailure => ({ ok: false, code, reason });
  const h = (name: string) => headerValue(message.headers, name);
  for (const required of REQUIRED_CE_HEADERS) {
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
  const parsed = validateEventBody(topic, json);
  if (!parsed.success) return fail('SCHEMA', `body does not match ${topic.name}: ${describeIssues(parsed.error)}`);
  const body = parsed.data;
  const type = h(CE_HEADERS.type)!;
  const expected = eventTypeOf(topic, body.kind);
  // The header is not echoed: it is producer-controlled text of any length.
  if (type !== expected) return fail('TYPE_MISMATCH', `ce_type does not match body kind ${body.kind} (expected ${expected})`);
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
