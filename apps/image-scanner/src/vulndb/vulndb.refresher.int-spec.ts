import { VulndbEvents, type VulndbUpdatedEvent } from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, EventPublisher, readTopic, silentLogger } from '@portcullis/messaging';
import { type Logger } from '@portcullis/observability';
import { createRedisClient, RedisFencingLock, RedisRecordStore, type StateClient } from '@portcullis/state';
import { expectEventually, REPO_ROOT, stackEnv, uniquePrefix } from '@portcullis/testing';
import { loadVulnDbSource } from '@portcullis/vulndb';
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromVulnDbMetrics } from './prom-vulndb.metrics.js';
import { type AnnouncedVersion } from './vulndb-refresh.decision.js';
import { VulnDbHolder } from './vulndb.holder.js';
import { ANNOUNCED_KEY, VulnDbRefresher } from './vulndb.refresher.js';

const env = stackEnv();
const prefix = uniquePrefix('vulndb');
const kafka = createKafkaClient({ brokers: env.kafkaBrokers, clientId: 'vulndb-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/image-scanner', topicPrefix: prefix, logger: silentLogger });
const sourceDir = join(mkdtempSync(join(tmpdir(), 'vulndb-int-')), 'osv');
const limits = { maxBytes: 1024 * 1024, timeoutMs: 10_000 };
const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => quietLogger } as unknown as Logger;

interface Instance {
  refresher: VulnDbRefresher;
  holder: VulnDbHolder;
  metrics: Registry;
  redis: StateClient;
}
const instances: Instance[] = [];

async function startInstance(name: string): Promise<Instance> {
  const redis = createRedisClient({ url: env.redisUrl, keyPrefix: prefix });
  const load = () => loadVulnDbSource(sourceDir, limits);
  const holder = new VulnDbHolder(await load());
  const metrics = new Registry();
  const refresher = new VulnDbRefresher({
    holder,
    load,
    lock: new RedisFencingLock(redis, { ownerId: name }),
    records: new RedisRecordStore<AnnouncedVersion>(redis, { namespace: 'vulndb' }),
    announce: async (event) => {
      await publisher.publish(VulndbEvents, event, { id: `vulndb-updated:${event.sha256}` });
    },
    metrics: new PromVulnDbMetrics(metrics),
    logger: quietLogger,
    // The leader's periodic refresh is driven by the test; followers poll quickly.
    settings: { sourceId: 'osv-int', refreshMs: 3_600_000, pollMs: 200, leaseTtlMs: 3_000, recordTtlMs: 3_600_000, retryMs: 3_600_000 },
  });
  const instance = { refresher, holder, metrics, redis };
  instances.push(instance);
  return instance;
}

async function announcements(): Promise<VulndbUpdatedEvent[]> {
  const records = await readTopic(kafka, VulndbEvents.name, { topicPrefix: prefix, idleMs: 500 });
  return records.map((r) => JSON.parse(r.value!.toString()) as VulndbUpdatedEvent);
}

function addRecord(id: string): void {
  writeFileSync(
    join(sourceDir, `${id}.json`),
    JSON.stringify({ id, modified: '2025-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }] }] }),
  );
}

async function versionGauge(instance: Instance): Promise<string | undefined> {
  const metric = await instance.metrics.getSingleMetric('portcullis_scan_vulndb_info')?.get();
  return metric?.values.find((v) => v.value === 1)?.labels['version'] as string | undefined;
}

async function loadsOf(instance: Instance, outcome: string): Promise<number> {
  const metric = await instance.metrics.getSingleMetric('portcullis_scan_vulndb_loads_total')?.get();
  return metric?.values.find((v) => v.labels['outcome'] === outcome)?.value ?? 0;
}

beforeAll(async () => {
  cpSync(join(REPO_ROOT, 'libs/vulndb/test/fixtures/osv'), sourceDir, { recursive: true });
  await ensureTopics(kafka, [{ name: VulndbEvents.name, partitions: 1, retentionMs: 3_600_000 }], { topicPrefix: prefix, logger: silentLogger });
  await publisher.connect();
});

afterAll(async () => {
  for (const instance of instances.splice(0)) {
    await instance.refresher.stop();
    await instance.redis.close();
  }
  await publisher.disconnect();
  rmSync(join(sourceDir, '..'), { recursive: true, force: true });
});

describe('vulnerability database fetcher and followers (Redis + Kafka)', () => {
  it('elects one leader that announces; a new record reaches the other instance; a broken source changes nothing', async () => {
    const leader = await startInstance('scanner-a');
    const follower = await startInstance('scanner-b');
    const initial = leader.holder.current().version;

    await leader.refresher.maintainLease();
    leader.refresher.start();
    follower.refresher.start();
    await follower.refresher.maintainLease();

    expect(leader.refresher.isLeader).toBe(true);
    expect(follower.refresher.isLeader).toBe(false);
    const first = await expectEventually(async () => {
      const events = await announcements();
      expect(events.map((e) => e.version)).toEqual([initial]);
      return events[0]!;
    });
    expect(first).toMatchObject({ kind: 'vulndb.updated', source: 'osv-int', sha256: initial.slice('sha256:'.length) });

    // A new advisory in the source: the leader announces a new version, the follower swaps to it.
    addRecord('GHSA-test-0001');
    expect(await leader.refresher.refresh()).toBe('announced');
    const next = leader.holder.current().version;
    expect(next).not.toBe(initial);
    await expectEventually(() => expect(follower.holder.current().version).toBe(next));
    expect(await versionGauge(follower)).toBe(next);
    expect((await announcements()).map((e) => e.version)).toEqual([initial, next]);
    // The follower never announced: its own refresh is refused without the lease.
    expect(await follower.refresher.refresh()).toBe('not-leader');

    // The source disappears mid-sync: the leader keeps its database and announces nothing.
    const moved = `${sourceDir}.away`;
    renameSync(sourceDir, moved);
    try {
      expect(await leader.refresher.refresh()).toBe('failed');
    } finally {
      renameSync(moved, sourceDir);
    }
    expect(leader.holder.current().version).toBe(next);

    // An announcement the follower's source does not reproduce is never swapped to.
    const records = new RedisRecordStore<AnnouncedVersion>(follower.redis, { namespace: 'vulndb' });
    await records.put(ANNOUNCED_KEY, { version: `sha256:${'f'.repeat(64)}`, recordCount: 1, publishedAt: new Date().toISOString() }, 60_000);
    // The follower's poll picks it up, builds from the source and refuses the different version.
    await expectEventually(async () => expect(await loadsOf(follower, 'mismatch')).toBe(1));
    expect(follower.holder.current().version).toBe(next);
    expect(await versionGauge(follower)).toBe(next);
    expect((await announcements()).map((e) => e.version)).toEqual([initial, next]);
  });
});
