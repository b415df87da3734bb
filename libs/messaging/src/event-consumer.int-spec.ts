import { companionTopics, exampleScmPush, ScmEvents, type BodyOf, type CloudEvent, type ScmPushEvent } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { createRedisClient, RedisIdempotencyStore, type StateClient } from '@portcullis/state';
import { expectEventually, stackEnv, uniquePrefix } from '@portcullis/testing';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventConsumer, type DeliveryContext, type EventConsumerOptions } from './event-consumer.js';
import { EventPublisher } from './event-publisher.js';
import { createKafkaClient } from './kafka-connection.js';
import { silentLogger } from './ports.js';
import { ensureTopics } from './topic-admin.js';
import { readTopic } from './topic-reader.js';

type Push = BodyOf<typeof ScmEvents>;

const env = stackEnv();
const prefix = uniquePrefix('consumer');
const kafka = createKafkaClient({ brokers: env.kafkaBrokers, clientId: 'consumer-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });
let redis: StateClient;
const consumers: EventConsumer[] = [];

const fastRetry = { maxAttempts: 3, initialBackoffMs: 200, maxBackoffMs: 400, multiplier: 2, maxReschedules: 5 };

function startConsumer(groupId: string, handler: (event: CloudEvent<Push>, ctx: DeliveryContext) => Promise<void>, extra: Partial<EventConsumerOptions> = {}) {
  const consumer = new EventConsumer(kafka, {
    groupId,
    topicPrefix: prefix,
    publisher,
    logger: silentLogger,
    metrics: new Registry(),
    retry: fastRetry,
    ...extra,
  }).subscribe(ScmEvents, handler);
  consumers.push(consumer);
  return consumer.start().then(() => consumer);
}

const refOf = (body: Push): string => (body.kind === 'push' ? body.ref : '');

function push(name: string, overrides: Partial<ScmPushEvent> = {}): ScmPushEvent {
  return exampleScmPush({ repository: { provider: 'github', owner: 'acme', name }, ...overrides });
}

beforeAll(async () => {
  await ensureTopics(
    kafka,
    [
      { name: ScmEvents.name, partitions: 3, retentionMs: 3_600_000 },
      { name: companionTopics.retryOf(ScmEvents.name), partitions: 2, retentionMs: 3_600_000 },
      { name: companionTopics.dlqOf(ScmEvents.name), partitions: 1, retentionMs: 3_600_000 },
    ],
    { topicPrefix: prefix, logger: silentLogger },
  );
  await publisher.connect();
  redis = createRedisClient({ url: env.redisUrl, keyPrefix: prefix });
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
});

afterAll(async () => {
  await publisher.disconnect();
  await redis.close();
});

const dlq = () => readTopic(kafka, companionTopics.dlqOf(ScmEvents.name), { topicPrefix: prefix, idleMs: 500 });

describe('EventConsumer against real Kafka', () => {
  it('delivers a published event to its handler with envelope and body intact', async () => {
    const received: CloudEvent<Push>[] = [];
    await startConsumer('deliver', async (event) => {
      received.push(event);
    });
    const body = push('deliver');
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { id } = await publisher.publish(ScmEvents, body, { releaseId: 'github/acme/deliver@abc', deliveryId: 'd-1', traceparent });

    const [event] = await expectEventually(() => {
      expect(received.filter((e) => e.id === id)).toHaveLength(1);
      return received.filter((e) => e.id === id);
    });
    expect(event!.body).toEqual(body);
    expect(event!.type).toBe('dev.portcullis.scm.events.push.v1');
    expect(event!.source).toBe('/portcullis/test');
    expect(event!.subject).toBe('github/acme/deliver');
    expect(event!.releaseId).toBe('github/acme/deliver@abc');
    expect(event!.deliveryId).toBe('d-1');
    expect(event!.traceparent).toBe(traceparent);
    expect(Number.isNaN(Date.parse(event!.time))).toBe(false);
  });

  it('reports as lag what it has fetched but not yet processed, and zero once it has worked the backlog off', async () => {
    const metrics = new Registry();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    // One repository: one key, one partition, handled in order; the first event holds the rest back.
    const bodies = Array.from({ length: 6 }, (_, i) => push('lag', { ref: `refs/heads/lag-${i}` }));
    for (const body of bodies) await publisher.publish(ScmEvents, body);
    await startConsumer(
      'lag',
      async (event) => {
        if (event.body.repository.name !== 'lag') return;
        if (refOf(event.body) === 'refs/heads/lag-0') await gate;
        handled.push(refOf(event.body));
      },
      { metrics },
    );
    const lagOf = async () => (await metrics.getSingleMetric('portcullis_consumer_lag')!.get()).values.filter((v) => v.labels['topic'] === ScmEvents.name).reduce((sum, v) => sum + v.value, 0);

    // Fetched in one batch, all six are waiting while the first is being handled.
    await expectEventually(async () => expect(await lagOf()).toBeGreaterThanOrEqual(6), { timeoutMs: 20_000 });
    release();
    await expectEventually(() => expect(handled).toEqual(bodies.map(refOf)), { timeoutMs: 20_000 });
    await expectEventually(async () => expect(await lagOf()).toBe(0), { timeoutMs: 20_000 });
  });

  it('retries a transient failure until it succeeds, counting attempts', async () => {
    const attempts: number[] = [];
    await startConsumer('transient', async (event, ctx) => {
      if (event.body.repository.name !== 'transient') return;
      attempts.push(ctx.attempt);
      if (ctx.attempt < 3) throw new Error('dependency briefly down');
    });
    await publisher.publish(ScmEvents, push('transient'));
    await expectEventually(() => expect(attempts).toEqual([1, 2, 3]), { timeoutMs: 30_000 });
  });

  it('dead-letters an always-failing event after N attempts while the next event on its partition goes through', async () => {
    const handled: string[] = [];
    const attempts: number[] = [];
    await startConsumer('poison', async (event, ctx) => {
      if (refOf(event.body) === 'refs/heads/poison') {
        attempts.push(ctx.attempt);
        throw new Error('always broken');
      }
      handled.push(refOf(event.body));
    });
    // Same repository = same key = same partition, published in this order.
    const poison = await publisher.publish(ScmEvents, push('poison-repo', { ref: 'refs/heads/poison' }), { deliveryId: 'poison-delivery' });
    await publisher.publish(ScmEvents, push('poison-repo', { ref: 'refs/heads/next' }));

    await expectEventually(() => expect(handled).toContain('refs/heads/next'));
    // The follower was handled before the poison message ran out of attempts.
    expect(attempts.length).toBeLessThan(3);

    const entry = await expectEventually(
      async () => {
        const found = (await dlq()).find((r) => r.headers['ce_id'] === poison.id);
        expect(found).toBeDefined();
        return found!;
      },
      { timeoutMs: 30_000 },
    );
    expect(attempts).toEqual([1, 2, 3]);
    expect(entry.headers['pc_attempt']).toBe('3');
    expect(entry.headers['pc_error_code']).toBe('EXHAUSTED:Error');
    expect(entry.headers['pc_error_reason']).toBe('Error: always broken');
    expect(entry.headers['pc_original_topic']).toBe('scm.events');
    expect(entry.headers['pc_consumer_group']).toBe('poison');
    expect(entry.headers['ce_deliveryid']).toBe('poison-delivery');
    expect(entry.headers['ce_type']).toBe('dev.portcullis.scm.events.push.v1');
    expect(JSON.parse(entry.value!.toString())).toMatchObject({ ref: 'refs/heads/poison' });
  });

  it('dead-letters a permanent error at once, without retries', async () => {
    const attempts: number[] = [];
    await startConsumer('permanent', async (event, ctx) => {
      if (event.body.repository.name !== 'permanent') return;
      attempts.push(ctx.attempt);
      throw new PortcullisError({ code: 'REPO_GONE', message: 'repository deleted', disposition: 'permanent' });
    });
    const { id } = await publisher.publish(ScmEvents, push('permanent'));
    const entry = await expectEventually(async () => {
      const found = (await dlq()).find((r) => r.headers['ce_id'] === id);
      expect(found).toBeDefined();
      return found!;
    });
    expect(entry.headers['pc_error_code']).toBe('PERMANENT:REPO_GONE');
    expect(attempts).toEqual([1]);
  });

  it('sends malformed messages to the DLQ and keeps consuming', async () => {
    const handled: string[] = [];
    await startConsumer('malformed', async (event) => {
      handled.push(event.body.repository.name);
    });
    const good = push('malformed-after');
    const validHeaders = {
      ce_specversion: '1.0',
      ce_id: 'bad-schema-1',
      ce_type: 'dev.portcullis.scm.events.push.v1',
      ce_source: '/test',
      ce_time: new Date().toISOString(),
    };
    await publisher.publishRaw(ScmEvents.name, { key: 'k', value: Buffer.from('{not json'), headers: { ...validHeaders, ce_id: 'bad-json-1' } });
    await publisher.publishRaw(ScmEvents.name, { key: 'k', value: Buffer.from(JSON.stringify({ kind: 'push', ref: 5 })), headers: validHeaders });
    await publisher.publishRaw(ScmEvents.name, { key: 'k', value: Buffer.from(JSON.stringify(good)), headers: { ce_id: 'no-headers-1' } });
    await publisher.publish(ScmEvents, good);

    await expectEventually(() => expect(handled).toContain('malformed-after'));
    const entries = await expectEventually(async () => {
      const found = (await dlq()).filter((r) => ['bad-json-1', 'bad-schema-1', 'no-headers-1'].includes(r.headers['ce_id'] ?? ''));
      expect(found).toHaveLength(3);
      return found;
    });
    const codes = Object.fromEntries(entries.map((r) => [r.headers['ce_id'], r.headers['pc_error_code']]));
    expect(codes).toEqual({ 'bad-json-1': 'INVALID_BAD_JSON', 'bad-schema-1': 'INVALID_SCHEMA', 'no-headers-1': 'INVALID_MISSING_HEADER' });
    // Earlier tests' events are on the topic too (a new group reads from the beginning); only ours count.
    expect(handled.filter((name) => name.startsWith('malformed'))).toEqual(['malformed-after']);
  });

  it('processes a duplicate delivery once (idempotency guard on ce_id)', async () => {
    const handled: string[] = [];
    const store = new RedisIdempotencyStore(redis);
    await startConsumer(
      'dedupe',
      async (event) => {
        handled.push(event.id);
      },
      { idempotency: { store, ttlMs: 60_000 } },
    );
    const body = push('dedupe');
    // What a producer retry after a lost acknowledgement looks like: the same event id twice.
    const first = await publisher.publish(ScmEvents, body, { id: 'same-event-id' });
    await publisher.publish(ScmEvents, body, { id: 'same-event-id' });
    const marker = await publisher.publish(ScmEvents, push('dedupe', { ref: 'refs/heads/marker' }));
    await expectEventually(() => expect(handled).toContain(marker.id));
    expect(handled.filter((id) => id === first.id)).toHaveLength(1);
  });

  it('re-schedules a "not ready" event without spending its attempts', async () => {
    const seen: { attempt: number; at: number }[] = [];
    await startConsumer('not-ready', async (event, ctx) => {
      if (event.body.repository.name !== 'not-ready') return;
      seen.push({ attempt: ctx.attempt, at: Date.now() });
      if (seen.length < 4) throw new PortcullisError({ code: 'SCAN_PENDING', message: 'waiting for scan', disposition: 'not-ready', retryAfterMs: 200 });
    });
    await publisher.publish(ScmEvents, push('not-ready'));
    // maxAttempts is 3: four deliveries prove re-schedules did not count as attempts.
    await expectEventually(() => expect(seen).toHaveLength(4), { timeoutMs: 30_000 });
    expect(seen.map((s) => s.attempt)).toEqual([1, 1, 1, 1]);
  });
});
