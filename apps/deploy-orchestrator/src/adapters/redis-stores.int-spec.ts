import { allTopicSpecs, DeployEvents, EXAMPLE_REPOSITORY, exampleReleaseTransition, type ReleaseTransitionEvent } from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, EventPublisher, readTopic, silentLogger } from '@portcullis/messaging';
import { createRedisClient } from '@portcullis/state';
import { stackEnv, uniquePrefix } from '@portcullis/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyRelease, type ReleaseRecord } from '../release/release.model.js';
import { KafkaTransitionBus } from './kafka-transition.bus.js';
import { RedisAppEnvironmentIndex } from './redis-app-environment.index.js';
import { RedisReleaseStore } from './redis-release.store.js';

/*
 * The orchestrator's shared state on the stack's Redis and its transitions on the stack's Kafka.
 * Two clients on one key prefix stand for two orchestrator instances.
 */

const stack = stackEnv();
const keyPrefix = uniquePrefix('deploy-stores');
const clientA = createRedisClient({ url: stack.redisUrl, keyPrefix, clientName: 'deploy-stores-int-a' });
const clientB = createRedisClient({ url: stack.redisUrl, keyPrefix, clientName: 'deploy-stores-int-b' });
const HOUR = 3_600_000;
const digest = (byte: string) => `sha256:${byte.repeat(64)}`;
let scopes = 0;
const freshScope = () => `shop-${++scopes}/staging`;

afterAll(async () => {
  await clientA.close();
  await clientB.close();
});

describe('RedisAppEnvironmentIndex on the stack Redis', () => {
  const sut = new RedisAppEnvironmentIndex(clientA, HOUR);
  const other = new RedisAppEnvironmentIndex(clientB, HOUR);

  it('orders releases as they register, reports the one they replace, and answers a repeated registration the same way', async () => {
    const scope = freshScope();

    expect(await sut.register(scope, 'r1')).toEqual({ order: 1, newest: 'r1', previous: undefined });
    expect(await other.register(scope, 'r2')).toEqual({ order: 2, newest: 'r2', previous: 'r1' });
    expect(await sut.register(scope, 'r1')).toEqual({ order: 1, newest: 'r2', previous: undefined });
    expect(await other.register(scope, 'r2')).toEqual({ order: 2, newest: 'r2', previous: undefined });
    expect(await sut.register(scope, 'r3')).toEqual({ order: 3, newest: 'r3', previous: 'r2' });
    expect(await other.newest(scope)).toBe('r3');
    expect(await sut.register(freshScope(), 'r3')).toEqual({ order: 1, newest: 'r3', previous: undefined });
  });

  it('never gives two releases the same order when two instances register at the same time', async () => {
    const scope = freshScope();
    const ids = Array.from({ length: 24 }, (_, i) => `release-${i}`);

    const results = await Promise.all(ids.map((id, i) => (i % 2 === 0 ? sut : other).register(scope, id)));

    expect(results.map((r) => r.order).sort((a, b) => a - b)).toEqual(ids.map((_, i) => i + 1));
    // Each registration replaced exactly the one registered just before it: a chain through all of them.
    const byOrder = new Map(results.map((r, i) => [r.order, { id: ids[i], previous: r.previous }]));
    for (let order = 2; order <= ids.length; order++) expect(byOrder.get(order)?.previous).toBe(byOrder.get(order - 1)?.id);
    expect(await sut.newest(scope)).toBe(byOrder.get(ids.length)?.id);
  });

  it('refuses quarantined digests to the quarantining release and older ones, not to newer ones', async () => {
    const scope = freshScope();
    await sut.quarantine(scope, { releaseId: 'r5', order: 5, digests: [digest('b'), digest('c')] });

    expect(await other.quarantinedBy(scope, 5, [digest('a'), digest('b')])).toBe('r5');
    expect(await other.quarantinedBy(scope, 4, [digest('c')])).toBe('r5');
    expect(await other.quarantinedBy(scope, 6, [digest('b')])).toBeUndefined();
    expect(await other.quarantinedBy(scope, 3, [digest('a')])).toBeUndefined();
    expect(await other.quarantinedBy(freshScope(), 1, [digest('b')])).toBeUndefined();
  });

  it('shares the active and the last good release between instances', async () => {
    const scope = freshScope();
    expect(await other.active(scope)).toBeUndefined();
    expect(await other.lastGood(scope)).toBeUndefined();

    await sut.setActive(scope, 'r1');
    await sut.setLastGood(scope, 'r0');
    expect(await other.active(scope)).toBe('r1');
    expect(await other.lastGood(scope)).toBe('r0');

    await other.setActive(scope, undefined);
    await other.setLastGood(scope, 'r1');
    expect(await sut.active(scope)).toBeUndefined();
    expect(await sut.lastGood(scope)).toBe('r1');
  });
});

describe('RedisReleaseStore on the stack Redis', () => {
  it('round-trips a release record between instances, and the last write wins', async () => {
    const sut = new RedisReleaseStore(clientA, HOUR);
    const other = new RedisReleaseStore(clientB, HOUR);
    const releaseId = `github/acme/shop-api@${'1'.repeat(40)}`;
    const record: ReleaseRecord = {
      ...emptyRelease(releaseId, { ...EXAMPLE_REPOSITORY }, '1'.repeat(40), '2026-11-26T12:00:00.000Z'),
      builds: [{ registry: 'registry.example.com', repository: 'acme/shop-api', tag: 'main', digest: digest('a') }],
      environments: { staging: { state: 'deploying', sequence: 4, reason: 'RolloutStarted', message: 'rolling rollout started', order: 2, fence: 17, progress: { phase: 'progressing', appliedAt: 1 } } },
    };

    expect(await other.get(releaseId)).toBeUndefined();
    await sut.put(record);
    expect(await other.get(releaseId)).toEqual(record);

    const settled: ReleaseRecord = { ...record, environments: { staging: { ...record.environments['staging']!, state: 'succeeded', sequence: 5 } }, updatedAt: '2026-11-26T12:01:00.000Z' };
    await other.put(settled);
    expect(await sut.get(releaseId)).toEqual(settled);
  });
});

describe('KafkaTransitionBus on the stack Kafka', () => {
  const prefix = uniquePrefix('deploy-bus');
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'deploy-bus-int-spec', topicPrefix: prefix }, silentLogger);
  const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });

  beforeAll(async () => {
    await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: prefix, logger: silentLogger });
    await publisher.connect();
  });
  afterAll(async () => {
    await publisher.disconnect();
  });

  it('publishes a repeated transition with the same ce_id, and the next transition with another, counting each by environment and state', async () => {
    const registry = new Registry();
    const sut = new KafkaTransitionBus(publisher, registry);
    const transition = exampleReleaseTransition({ sequence: 3 });

    await sut.publish(transition);
    await sut.publish(transition);
    await sut.publish({ ...transition, sequence: 4 });
    await sut.publish({ ...transition, environment: 'staging' });

    const records = await readTopic(kafka, DeployEvents.name, { topicPrefix: prefix, idleMs: 500, maxRecords: 4, timeoutMs: 30_000 });
    expect(records).toHaveLength(4);
    const [first, again, next, elsewhere] = records.map((r) => r.headers['ce_id']);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(again).toBe(first);
    expect(new Set([first, next, elsewhere]).size).toBe(3);
    expect(JSON.parse(records[0]!.value!.toString()) as ReleaseTransitionEvent).toEqual(transition);
    const counted = (await registry.getSingleMetric('portcullis_release_transitions_total')!.get()).values.map((v) => [v.labels, v.value]);
    expect(counted).toEqual(
      expect.arrayContaining([
        [{ environment: transition.environment, state: transition.to }, 3],
        [{ environment: 'staging', state: transition.to }, 1],
      ]),
    );
  });
});
