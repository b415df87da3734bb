import { describe, expect, it } from 'vitest';
import { dispositionOf } from '@portcullis/errors';
import { EVENT_EXAMPLES } from '../examples/all-examples.js';
import { exampleAuditCompleted, exampleAuditFinding } from '../examples/audit-results.examples.js';
import { EXAMPLE_DELIVERY_ID, EXAMPLE_RELEASE_ID } from '../examples/example-values.js';
import { exampleRegistryImagePushed } from '../examples/registry-events.examples.js';
import { exampleScmPush } from '../examples/scm-events.examples.js';
import { AuditResults, RegistryEvents, ScmEvents } from '../topics/registry.js';
import type { EventBody, TopicDefinition } from '../topics/topic-definition.js';
import { CE_HEADERS, decodeEvent, encodeEvent, eventTypeOf, MAX_EVENT_BYTES, type RawHeaders } from './cloud-event.js';
import { EventEncodingError } from './event-encoding.error.js';

const metadata = { source: '/portcullis/test', time: new Date('2025-01-15T09:30:00.000Z') };
// Looks like a GitHub token to any scanner; must never come back out of a failure reason.
const SECRET = `ghp_${'A1b2C3d4E5'.repeat(3)}x9Y8z7`;

function thrownBy(fn: () => unknown): EventEncodingError {
  try {
    fn();
  } catch (error) {
    return error as EventEncodingError;
  }
  throw new Error('expected a throw');
}

const encodeUnchecked = (topic: TopicDefinition, body: EventBody) => encodeEvent(topic, body as never, metadata);

/** A message exactly as a producer would have sent it, but with a body no producer could encode. */
function rawMessage(topic: TopicDefinition, kind: string, value: unknown, headers: RawHeaders = {}) {
  return {
    value: Buffer.from(JSON.stringify(value)),
    headers: {
      [CE_HEADERS.specversion]: '1.0',
      [CE_HEADERS.id]: 'id-1',
      [CE_HEADERS.type]: eventTypeOf(topic, kind),
      [CE_HEADERS.source]: '/portcullis/test',
      [CE_HEADERS.time]: '2025-01-15T09:30:00.000Z',
      ...headers,
    },
  };
}

describe('encodeEvent / decodeEvent', () => {
  it.each(EVENT_EXAMPLES.map((e) => [`${e.topic.name} ${e.kind}`, e] as const))('round-trips %s', (_name, example) => {
    const body = example.body();
    const encoded = encodeUnchecked(example.topic, body);

    const sut = decodeEvent(example.topic, encoded);

    expect(sut).toMatchObject({ ok: true, event: { type: eventTypeOf(example.topic, example.kind), body } });
    expect(encoded.key).toBe(example.topic.keyOf(body));
    expect(encoded.headers[CE_HEADERS.subject]).toBe(example.topic.subjectOf(body));
  });

  it('carries every attribute and accepts headers as Buffers, the way Kafka clients hand them over', () => {
    const encoded = encodeEvent(ScmEvents, exampleScmPush(), { ...metadata, id: 'fixed-id', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    const headers = Object.fromEntries(Object.entries(encoded.headers).map(([k, v]) => [k, Buffer.from(v)]));

    const sut = decodeEvent(ScmEvents, { headers, value: encoded.value });

    expect(sut).toEqual({
      ok: true,
      event: {
        id: 'fixed-id',
        type: 'dev.portcullis.scm.events.push.v1',
        source: '/portcullis/test',
        subject: 'github/acme/shop-api',
        time: '2025-01-15T09:30:00.000Z',
        releaseId: EXAMPLE_RELEASE_ID,
        deliveryId: EXAMPLE_DELIVERY_ID,
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        body: exampleScmPush(),
      },
    });
  });

  it('derives release and delivery headers from the body, and lets explicit metadata win', () => {
    const derived = encodeEvent(ScmEvents, exampleScmPush(), metadata);
    const explicit = encodeEvent(AuditResults, exampleAuditCompleted(), { ...metadata, deliveryId: 'upstream-delivery' });

    expect(derived.headers[CE_HEADERS.releaseid]).toBe(EXAMPLE_RELEASE_ID);
    expect(derived.headers[CE_HEADERS.deliveryid]).toBe(EXAMPLE_DELIVERY_ID);
    expect(explicit.headers[CE_HEADERS.deliveryid]).toBe('upstream-delivery');
    expect(explicit.headers[CE_HEADERS.releaseid]).toBe(EXAMPLE_RELEASE_ID);
  });

  it('sets no release header for a deleted branch, which names no commit', () => {
    const sut = encodeEvent(ScmEvents, exampleScmPush({ after: '0'.repeat(40), commits: [] }), metadata);

    expect(sut.headers).not.toHaveProperty(CE_HEADERS.releaseid);
  });

  it('strips unknown fields, so a producer may add an optional field before consumers know it', () => {
    const message = rawMessage(ScmEvents, 'push', { ...exampleScmPush(), addedLater: 'x' });

    const sut = decodeEvent(ScmEvents, message);

    expect(sut.ok && sut.event.body).toEqual(exampleScmPush());
  });
});

describe('encodeEvent refuses what no consumer should receive', () => {
  it('throws a permanent EventEncodingError for an invalid body, without echoing it', () => {
    const body = exampleAuditCompleted({ findings: [exampleAuditFinding({ fingerprint: SECRET })] });

    const sut = () => encodeEvent(AuditResults, body, metadata);

    const error = thrownBy(sut);
    expect(error).toBeInstanceOf(EventEncodingError);
    expect(error.code).toBe('INVALID_BODY');
    expect(dispositionOf(error)).toBe('permanent');
    expect(error.message).toContain('findings.0.fingerprint');
    expect(error.message).not.toContain(SECRET);
  });

  it('throws TOO_LARGE when a valid body would not fit in a Kafka message', () => {
    // Multi-byte text is the way a schema-valid body outgrows the limit.
    const path = '档'.repeat(512);
    const findings = Array.from({ length: 500 }, () => exampleAuditFinding({ path, author: '档'.repeat(200) }));

    const sut = () => encodeEvent(AuditResults, exampleAuditCompleted({ findings }), metadata);

    expect(sut).toThrow(expect.objectContaining({ code: 'TOO_LARGE', disposition: 'permanent' }));
  });
});

describe('decodeEvent failures', () => {
  const valid = () => encodeEvent(ScmEvents, exampleScmPush(), metadata);

  it.each([CE_HEADERS.specversion, CE_HEADERS.id, CE_HEADERS.type, CE_HEADERS.source, CE_HEADERS.time])(
    'reports MISSING_HEADER without %s',
    (header) => {
      const message = valid();
      delete message.headers[header];

      const sut = decodeEvent(ScmEvents, message);

      expect(sut).toEqual({ ok: false, code: 'MISSING_HEADER', reason: `header ${header} is missing` });
    },
  );

  it('reports BAD_SPECVERSION for another CloudEvents version', () => {
    const message = valid();
    message.headers[CE_HEADERS.specversion] = '0.3';

    expect(decodeEvent(ScmEvents, message)).toMatchObject({ ok: false, code: 'BAD_SPECVERSION' });
  });

  it('reports BAD_CONTENT_TYPE for a non-JSON content type', () => {
    const message = valid();
    message.headers[CE_HEADERS.contentType] = 'application/avro';

    expect(decodeEvent(ScmEvents, message)).toMatchObject({ ok: false, code: 'BAD_CONTENT_TYPE' });
  });

  it('reports BAD_JSON for a value that is not JSON, without echoing it', () => {
    const sut = decodeEvent(ScmEvents, { ...valid(), value: Buffer.from(`{"token": "${SECRET}"`) });

    expect(sut).toMatchObject({ ok: false, code: 'BAD_JSON' });
    expect(JSON.stringify(sut)).not.toContain(SECRET);
  });

  it('reports BAD_JSON for a tombstone (null value)', () => {
    expect(decodeEvent(ScmEvents, { ...valid(), value: null })).toMatchObject({ ok: false, code: 'BAD_JSON' });
  });

  it('reports TOO_LARGE before parsing an oversized value', () => {
    const sut = decodeEvent(ScmEvents, { ...valid(), value: Buffer.alloc(MAX_EVENT_BYTES + 1, 0x20) });

    expect(sut).toMatchObject({ ok: false, code: 'TOO_LARGE' });
  });

  it('reports SCHEMA with field paths and never the offending values', () => {
    const body = {
      ...exampleAuditCompleted(),
      findings: [{ ...exampleAuditFinding(), fingerprint: SECRET, preview: SECRET, ruleId: SECRET }],
    };

    const sut = decodeEvent(AuditResults, rawMessage(AuditResults, 'audit.completed', body));

    expect(sut).toMatchObject({ ok: false, code: 'SCHEMA' });
    expect(sut.ok ? '' : sut.reason).toContain('findings.0.fingerprint');
    expect(JSON.stringify(sut)).not.toContain(SECRET);
    expect(JSON.stringify(sut)).not.toContain('ghp_');
  });

  it('reports SCHEMA for an unknown kind without echoing it', () => {
    const sut = decodeEvent(ScmEvents, rawMessage(ScmEvents, 'push', { ...exampleScmPush(), kind: SECRET }));

    expect(sut).toMatchObject({ ok: false, code: 'SCHEMA' });
    expect(JSON.stringify(sut)).not.toContain(SECRET);
  });

  it('reports SCHEMA for a body of another topic', () => {
    const sut = decodeEvent(ScmEvents, rawMessage(ScmEvents, 'push', exampleRegistryImagePushed()));

    expect(sut).toMatchObject({ ok: false, code: 'SCHEMA' });
  });

  it('reports TYPE_MISMATCH when ce_type names another kind, without echoing the header', () => {
    const message = rawMessage(RegistryEvents, 'build.announced', exampleRegistryImagePushed(), {
      [CE_HEADERS.type]: `dev.portcullis.registry.events.${SECRET}.v1`,
    });

    const sut = decodeEvent(RegistryEvents, message);

    expect(sut).toMatchObject({ ok: false, code: 'TYPE_MISMATCH' });
    expect(JSON.stringify(sut)).not.toContain(SECRET);
  });

  it('reports TYPE_MISMATCH for the right kind under another version', () => {
    const message = rawMessage(ScmEvents, 'push', exampleScmPush(), { [CE_HEADERS.type]: 'dev.portcullis.scm.events.push.v2' });

    expect(decodeEvent(ScmEvents, message)).toMatchObject({ ok: false, code: 'TYPE_MISMATCH' });
  });
});
