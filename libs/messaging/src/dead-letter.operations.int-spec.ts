import { companionTopics, exampleScmPush, ScmEvents } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { createRedisClient, RedisIdempotencyStore } from '@portcullis/state';
import { expectEventually, sleep, stackEnv, uniquePrefix } from '@portcullis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeadLetters, replayDeadLetters } from './dead-letter.operations.js';
import { EventConsumer } from './event-consumer.js';
import { EventPublisher } from './event-publisher.js';
import { createKafkaClient } from './kafka-connection.js';
import { silentLogger } from './ports.js';
import { ensureTopics } from './topic-admin.js';

const env = stackEnv();
const prefix = uniquePrefix('replay');
const kafka = createKafkaClient({ brokers: env.kafkaBrokers, clientId: 'replay-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });
const redis = createRedisClient({ url: env.redisUrl, keyPrefix: prefix });

beforeAll(async () => {
  await ensureTopics(
    kafka,
    [ScmEvents.name, companionTopics.retryOf(ScmEvents.name), companionTopics.dlqOf(ScmEvents.name)].map((name) => ({
      name,
      partitions: 1,
      retentionMs: 3_600_000,
    })),
    { topicPrefix: prefix, logger: silentLogger },
  );
  await publisher.connect();
});

afterAll(async () => {
  await publisher.disconnect();
  await redis.close();
});

describe('dead-letter replay', () => {
  it('lists a dead letter with its reason, replays it to the failing group once fixed, and skips a second replay', async () => {
    let broken = true;
    const handled: string[] = [];
    const other: string[] = [];
    const consumer = new EventConsumer(kafka, {
      groupId: 'auditor',
      topicPrefix: prefix,
      publisher,
      logger: silentLogger,
      idempotency: { store: new RedisIdempotencyStore(redis), ttlMs: 60_000 },
    }).subscribe(ScmEvents, async (event) => {
      if (broken) throw new PortcullisError({ code: 'RULES_MISSING', message: 'rule set not loaded', disposition: 'permanent' });
      handled.push(event.id);
    });
    // A second group on the same topic must not see the replay: it never failed.
    const bystander = new EventConsumer(kafka, { groupId: 'notifier', topicPrefix: prefix, publisher, logger: silentLogger }).subscribe(
      ScmEvents,
      async (event) => {
        other.push(event.id);
      },
    );
    await consumer.start();
    await bystander.start();
    try {
      const { id } = await publisher.publish(ScmEvents, exampleScmPush(), { releaseId: 'github/acme/api@' + 'a'.repeat(40) });
      await expectEventually(() => expect(other).toEqual([id]));
      const [letter] = await expectEventually(async () => {
        const found = await listDeadLetters(kafka, ScmEvents.name, { topicPrefix: prefix, group: 'auditor' });
        expect(found).toHaveLength(1);
        return found;
      });
      expect(letter).toMatchObject({ eventId: id, consumerGroup: 'auditor', attempt: 1, errorCode: 'PERMANENT:RULES_MISSING' });
      expect(letter!.errorReason).toContain('rule set not loaded');

      broken = false;
      await replayDeadLetters(publisher, ScmEvents.name, [letter!]);
      await expectEventually(() => expect(handled).toEqual([id]), { timeoutMs: 30_000 });

      await replayDeadLetters(publisher, ScmEvents.name, [letter!]);
      await sleep(3_000);
      expect(handled).toEqual([id]);
      expect(other).toEqual([id]);
    } finally {
      await Promise.all([consumer.stop(), bystander.stop()]);
    }
  }, 90_000);
});
