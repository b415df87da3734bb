import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { companionTopics, exampleScmPush, ScmEvents, type CloudEvent } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { expectEventually, sleep, stackEnv, uniquePrefix } from '@portcullis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventConsumer, type EventConsumerOptions } from './event-consumer.js';
import { EventPublisher } from './event-publisher.js';
import { createKafkaClient } from './kafka-connection.js';
import { KafkaEventContext, KafkaEventsTransport, OnTopic, PropagateEventErrorsFilter } from './nest/index.js';
import { silentLogger } from './ports.js';
import { ensureTopics } from './topic-admin.js';
import { readTopic } from './topic-reader.js';

const env = stackEnv();
const prefix = uniquePrefix('lifecycle');
const kafka = createKafkaClient({ brokers: env.kafkaBrokers, clientId: 'lifecycle-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });

const base = (groupId: string): EventConsumerOptions => ({
  groupId,
  topicPrefix: prefix,
  publisher,
  logger: silentLogger,
  retry: { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 200 },
});
const push = (name: string) => exampleScmPush({ repository: { provider: 'gitlab', owner: 'platform', name } });

beforeAll(async () => {
  await ensureTopics(
    kafka,
    [
      { name: ScmEvents.name, partitions: 2, retentionMs: 3_600_000 },
      { name: companionTopics.retryOf(ScmEvents.name), partitions: 1, retentionMs: 3_600_000 },
      { name: companionTopics.dlqOf(ScmEvents.name), partitions: 1, retentionMs: 3_600_000 },
    ],
    { topicPrefix: prefix, logger: silentLogger },
  );
  await publisher.connect();
});

afterAll(async () => {
  await publisher.disconnect();
});

describe('consumer lifecycle', () => {
  it('keeps a handler that runs three session timeouts long in the group: handled once, never redelivered', async () => {
    const starts: string[] = [];
    const consumer = new EventConsumer(kafka, { ...base('long-handler'), sessionTimeoutMs: 6_000, heartbeatIntervalMs: 1_000 }).subscribe(
      ScmEvents,
      async (event) => {
        starts.push(event.id);
        if (event.body.repository.name === 'slow') await sleep(18_000);
      },
    );
    await consumer.start();
    try {
      const slow = await publisher.publish(ScmEvents, push('slow'));
      await expectEventually(() => expect(starts).toContain(slow.id));
      const marker = await publisher.publish(ScmEvents, push('slow'));
      // The marker shares the slow event's key, so it runs right after the slow handler returns.
      await expectEventually(() => expect(starts).toContain(marker.id), { timeoutMs: 40_000 });
      await sleep(2_000);
      expect(starts.filter((id) => id === slow.id)).toHaveLength(1);
    } finally {
      await consumer.stop();
    }
  }, 90_000);

  it('finishes the in-flight handler on stop and commits it, so the next member does not redo it', async () => {
    const finished: string[] = [];
    const started: string[] = [];
    const first = new EventConsumer(kafka, base('graceful')).subscribe(ScmEvents, async (event) => {
      if (event.body.repository.name !== 'graceful') return; // earlier tests' events: done at once
      started.push(event.id);
      await sleep(2_000);
      finished.push(event.id);
    });
    await first.start();
    const inFlight = await publisher.publish(ScmEvents, push('graceful'));
    await expectEventually(() => expect(started).toContain(inFlight.id));
    expect(finished).not.toContain(inFlight.id);
    await first.stop();
    expect(finished).toContain(inFlight.id);

    const second: string[] = [];
    const next = new EventConsumer(kafka, base('graceful')).subscribe(ScmEvents, async (event) => {
      second.push(event.id);
    });
    await next.start();
    try {
      const marker = await publisher.publish(ScmEvents, push('graceful'));
      await expectEventually(() => expect(second).toContain(marker.id), { timeoutMs: 30_000 });
      expect(second).not.toContain(inFlight.id);
    } finally {
      await next.stop();
    }
  }, 90_000);

  it('aborts a handler that overruns its time budget and hands the event to a retry, without blocking its key', async () => {
    const signals = new Map<string, AbortSignal>();
    const attempts: { id: string; attempt: number }[] = [];
    const consumer = new EventConsumer(kafka, { ...base('handler-timeout'), handlerTimeoutMs: 300 }).subscribe(
      ScmEvents,
      async (event, delivery) => {
        if (event.body.repository.name !== 'hangs') return;
        attempts.push({ id: event.id, attempt: delivery.attempt });
        signals.set(`${event.id}#${delivery.attempt}`, delivery.signal);
        if (delivery.attempt === 1) await new Promise(() => undefined); // never settles, ignores the signal
      },
    );
    await consumer.start();
    try {
      const hung = await publisher.publish(ScmEvents, push('hangs'));
      await expectEventually(() => expect(attempts).toContainEqual({ id: hung.id, attempt: 2 }), { timeoutMs: 30_000 });
      expect(signals.get(`${hung.id}#1`)?.reason).toMatchObject({ name: 'HandlerTimeout' });
      expect(signals.get(`${hung.id}#2`)?.aborted).toBe(false);
    } finally {
      await consumer.stop();
    }
  }, 60_000);
});

@Controller()
class PushController {
  static readonly seen: { id: string; attempt: number }[] = [];

  @OnTopic(ScmEvents)
  async onPush(@Payload() event: CloudEvent<unknown>, @Ctx() context: KafkaEventContext): Promise<void> {
    PushController.seen.push({ id: event.id, attempt: context.getDelivery().attempt });
    if (context.getEvent().subject.endsWith('/nest-permanent')) {
      throw new PortcullisError({ code: 'POLICY_MISSING', message: 'no .portcullis.yaml', disposition: 'permanent' });
    }
  }
}

@Module({ controllers: [PushController] })
class PushModule {}

describe('KafkaEventsTransport (Nest)', () => {
  it('routes @OnTopic handlers and keeps the error disposition through Nest', async () => {
    const transport = new KafkaEventsTransport(kafka, base('nest-transport'));
    const app = await NestFactory.createMicroservice(PushModule, { strategy: transport, logger: false });
    app.useGlobalFilters(new PropagateEventErrorsFilter());
    await app.listen();
    try {
      expect(transport.isHealthy).toBe(true);
      const ok = await publisher.publish(ScmEvents, push('nest-ok'));
      const bad = await publisher.publish(ScmEvents, push('nest-permanent'));
      await expectEventually(() => expect(PushController.seen.map((s) => s.id)).toEqual(expect.arrayContaining([ok.id, bad.id])));
      const entry = await expectEventually(async () => {
        const found = (await readTopic(kafka, companionTopics.dlqOf(ScmEvents.name), { topicPrefix: prefix, idleMs: 300 })).find(
          (r) => r.headers['ce_id'] === bad.id,
        );
        expect(found).toBeDefined();
        return found!;
      });
      // Permanent means one attempt: had Nest swallowed the error's class, it would have been retried.
      expect(entry.headers['pc_error_code']).toBe('PERMANENT:POLICY_MISSING');
      expect(PushController.seen.filter((s) => s.id === bad.id)).toEqual([{ id: bad.id, attempt: 1 }]);
    } finally {
      await app.close();
    }
  }, 60_000);
});
