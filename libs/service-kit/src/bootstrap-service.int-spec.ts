import { Controller, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { allTopicSpecs, type BodyOf, type CloudEvent, exampleScmPush, ScmEvents } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { createKafkaClient, ensureTopics, EventPublisher, silentLogger } from '@portcullis/messaging';
import { OnTopic } from '@portcullis/messaging/nest';
import { type StateClient } from '@portcullis/state';
import { expectEventually, serviceEnv, stackEnv, uniquePrefix } from '@portcullis/testing';
import { randomUUID } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapService } from './bootstrap-service.js';
import { baseServiceConfig } from './service-config.js';
import { STATE_CLIENT } from './service-kit.tokens.js';

type ScmEvent = CloudEvent<BodyOf<typeof ScmEvents>>;

const stack = stackEnv();
const prefix = uniquePrefix('service-kit');
const received: ScmEvent[] = [];
const POISON_REF = 'refs/heads/poison';

@Controller()
class RecordingEventsController {
  @OnTopic(ScmEvents)
  async onScmEvent(@Payload() event: ScmEvent): Promise<void> {
    if (event.body.kind === 'push' && event.body.ref === POISON_REF) {
      throw new PortcullisError({ code: 'TEST_POISON', message: 'this push can never be handled', disposition: 'permanent' });
    }
    received.push(event);
  }
}

@Module({ controllers: [RecordingEventsController] })
class RecordingModule {}

/**
 * The service would create the topics itself. Creating them first keeps this file clear of a race
 * in creating topics (a metadata request right after CreateTopics may answer "does not host this
 * topic-partition"), which is ensureTopics' concern, not what these tests are about.
 */
async function createTopicsFirst(): Promise<void> {
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'service-kit-int-spec', topicPrefix: prefix }, silentLogger);
  await expectEventually(
    async () => {
      const report = await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: prefix, logger: silentLogger });
      expect([...report.created, ...report.grown]).toEqual([]);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

let app: NestFastifyApplication;
let closed = false;
let baseUrl: string;

const get = (path: string) => fetch(`${baseUrl}${path}`);

/**
 * Publishes through the app's EventPublisher. Right after the app created its topics, the broker
 * may not yet lead every partition and reject the first attempts; retrying with the same event id
 * keeps it one event (the consumer deduplicates on the id).
 */
async function publish(body: BodyOf<typeof ScmEvents>): Promise<string> {
  const id = randomUUID();
  await expectEventually(() => app.get(EventPublisher).publish(ScmEvents, body, { id }), { timeoutMs: 20_000, intervalMs: 250 });
  return id;
}
const push = (name: string, ref = 'refs/heads/main') => exampleScmPush({ repository: { provider: 'github', owner: 'acme', name }, ref });

beforeAll(async () => {
  await createTopicsFirst();
  app = await bootstrapService({
    name: 'kit-test',
    config: baseServiceConfig(8090),
    module: () => RecordingModule,
    consumer: {},
    env: {
      ...serviceEnv(stack, prefix, 'kit-test-1'),
      LOG_LEVEL: 'silent',
      CONSUMER_MAX_ATTEMPTS: '2',
    },
  });
  const { port } = app.getHttpServer().address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
}, 120_000);

afterAll(async () => {
  if (!closed) await app?.close();
});

describe('bootstrapService against the real stack', () => {
  it("delivers an event published through the app's EventPublisher to the @OnTopic handler", async () => {
    const id = await publish(push('delivered'));

    const event = await expectEventually(() => {
      const found = received.find((e) => e.id === id);
      expect(found).toBeDefined();
      return found!;
    }, { timeoutMs: 30_000 });
    expect(event.type).toBe('dev.portcullis.scm.events.push.v1');
    expect(event.source).toBe('/portcullis/kit-test');
    expect(event.body).toMatchObject({ kind: 'push', repository: { name: 'delivered' } });
  });

  it('serves liveness, readiness of kafka, redis and the consumer, and the messaging metrics', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);

    // The consumer reports healthy once it runs; the first event above proves it does.
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { kafka: 'ok', redis: 'ok', consumer: 'ok' } });

    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(/^portcullis_messages_handled_total\{.*topic="scm\.events".*outcome="success".*\} [1-9]/m);
    expect(metrics).toContain('service_name="kit-test"');
  });

  it('hands a handler error to the consumer with its disposition, so a permanent failure is dead-lettered at once', async () => {
    await publish(push('poisoned', POISON_REF));

    // Nest's default RPC filter would replace the error with "Internal server error", which counts
    // as retryable: the event would be retried, not dead-lettered as PERMANENT.
    await expectEventually(async () => {
      const metrics = await (await get('/metrics')).text();
      expect(metrics).toMatch(/^portcullis_messages_dead_lettered_total\{.*reason="PERMANENT".*\} 1$/m);
    }, { timeoutMs: 30_000 });
    expect(received.some((e) => e.body.kind === 'push' && e.body.ref === POISON_REF)).toBe(false);
  });

  it('closes gracefully: HTTP stops, the publisher disconnects and Redis closes', async () => {
    const publisher = app.get(EventPublisher);
    const state = app.get<StateClient>(STATE_CLIENT);

    await app.close();
    closed = true;

    expect(publisher.isConnected).toBe(false);
    expect(state.status).toBe('closed');
    await expect(get('/healthz')).rejects.toThrow();
  });
});
