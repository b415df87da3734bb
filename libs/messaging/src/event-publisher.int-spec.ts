import { exampleScmPush, ScmEvents } from '@portcullis/contracts';
import { stackEnv, uniquePrefix } from '@portcullis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPublisher } from './event-publisher.js';
import { createKafkaClient, prefixed } from './kafka-connection.js';
import { silentLogger } from './ports.js';
import { ensureTopics } from './topic-admin.js';

const env = stackEnv();
const prefix = uniquePrefix('publisher');
const kafka = createKafkaClient({ brokers: env.kafkaBrokers, clientId: 'publisher-int-spec', topicPrefix: prefix }, silentLogger);
const sut = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });

beforeAll(async () => {
  await ensureTopics(kafka, [{ name: ScmEvents.name, partitions: 1, retentionMs: 3_600_000 }], { topicPrefix: prefix, logger: silentLogger });
  await sut.connect();
});

afterAll(async () => {
  await sut.disconnect();
});

describe('EventPublisher against real Kafka', () => {
  it('publishes a burst bigger than the broker accepts in one record batch, all acknowledged', async () => {
    // ~1.4 KiB each with the envelope headers: 2 000 of them to one partition is ~2.8 MB, far over
    // the broker's 1 MiB message.max.bytes if they went out as one request.
    const body = exampleScmPush({ commits: [...exampleScmPush().commits, ...exampleScmPush().commits] });
    const results = await Promise.allSettled(Array.from({ length: 2_000 }, () => sut.publish(ScmEvents, body)));
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toEqual([]);

    const admin = kafka.admin();
    await admin.connect();
    try {
      const [partition] = await admin.fetchTopicOffsets(prefixed(prefix, ScmEvents.name));
      expect(Number(partition!.high)).toBe(2_000);
    } finally {
      await admin.disconnect();
    }
  }, 60_000);

  it('pushes back on a burst: never more than maxQueued messages wait, and all are acknowledged', async () => {
    const bounded = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, maxQueued: 50, logger: silentLogger });
    await bounded.connect();
    try {
      const pending = Array.from({ length: 1_000 }, () => bounded.publish(ScmEvents, exampleScmPush()));
      // Let every publish that got room encode and queue itself (microtasks only; no send yet).
      for (let i = 0; i < 10; i += 1) await Promise.resolve();
      expect(bounded.queued).toBe(50);
      const results = await Promise.allSettled(pending);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    } finally {
      await bounded.disconnect();
    }
  }, 60_000);

  it('refuses an invalid body before it reaches Kafka', async () => {
    const invalid = { ...exampleScmPush(), after: 'not-a-sha' };
    // @ts-expect-error a runtime check of what the type system already forbids
    await expect(sut.publish(ScmEvents, { ...invalid, kind: 'nope' })).rejects.toThrow();
    await expect(sut.publish(ScmEvents, invalid)).rejects.toThrow();
  });
});
