import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ScmEvents, exampleScmPush } from '@portcullis/contracts';
import { stackEnv, uniquePrefix } from '@portcullis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPublisher, PublishError } from './event-publisher.js';
import { createKafkaClient } from './kafka-connection.js';
import { silentLogger } from './ports.js';
import { ensureTopics } from './topic-admin.js';

const env = stackEnv();
const prefix = uniquePrefix('outage');
const stack = fileURLToPath(new URL('../../../tools/stack/stack', import.meta.url));
const kafka = createKafkaClient({ brokers: env.kafkaBrokers, clientId: 'outage-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, publishTimeoutMs: 5_000, logger: silentLogger });

beforeAll(async () => {
  await ensureTopics(kafka, [{ name: ScmEvents.name, partitions: 1, retentionMs: 3_600_000 }], { topicPrefix: prefix, logger: silentLogger });
  await publisher.connect();
});

afterAll(async () => {
  execFileSync(stack, ['start-kafka'], { stdio: 'inherit' });
  await publisher.disconnect().catch(() => undefined);
});

describe('Kafka outages surface fast', () => {
  it('a publisher that cannot reach any broker fails to connect within seconds, not kafkajs’s default ~14 s', async () => {
    const dead = createKafkaClient({ brokers: ['127.0.0.1:1'], clientId: 'dead', connectionTimeoutMs: 1_000 }, silentLogger);
    const sut = new EventPublisher(dead, { source: '/portcullis/test', logger: silentLogger });
    const started = Date.now();
    await expect(sut.connect()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(12_000);
  });

  it('rejects publishes while the broker is down and recovers by itself when it is back', async () => {
    await publisher.publish(ScmEvents, exampleScmPush());
    execFileSync(stack, ['stop-kafka'], { stdio: 'inherit' });

    const started = Date.now();
    const failure = await publisher.publish(ScmEvents, exampleScmPush()).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PublishError);
    expect((failure as PublishError).retryable).toBe(true);
    // Bounded by publishTimeoutMs (5 s) plus a margin for a loaded machine.
    expect(Date.now() - started).toBeLessThan(15_000);

    execFileSync(stack, ['start-kafka'], { stdio: 'inherit' });
    // Same publisher object, no reconnect call: kafkajs reconnects on the next request.
    let published = false;
    for (let i = 0; i < 30 && !published; i += 1) {
      published = await publisher.publish(ScmEvents, exampleScmPush()).then(
        () => true,
        () => false,
      );
      if (!published) await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(published).toBe(true);
  });
});
