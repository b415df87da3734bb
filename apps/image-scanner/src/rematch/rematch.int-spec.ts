import { companionTopics, DeployEvents, exampleReleaseTransition, type ImageReference, type ScanCompletedEvent, ScanResults } from '@portcullis/contracts';
import { createKafkaClient, EventConsumer, EventPublisher, ensureTopics, readTopic, silentLogger } from '@portcullis/messaging';
import { createRedisClient, RedisIdempotencyStore, type StateClient } from '@portcullis/state';
import { expectEventually, REPO_ROOT, stackEnv, uniquePrefix } from '@portcullis/testing';
import { loadOsvDirectory, type PackageRef, type VulnDb } from '@portcullis/vulndb';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VulnDbHolder } from '../vulndb/vulndb.holder.js';
import { RedisDeploymentStore } from './redis-deployments.store.js';
import { RedisSbomStore } from './redis-sbom.store.js';
import { RematchDeployed } from './rematch-deployed.use-case.js';
import { RematchWatcher } from './rematch.watcher.js';
import { TrackDeployment } from './track-deployment.use-case.js';

const env = stackEnv();
const prefix = uniquePrefix('rematch');
const kafka = createKafkaClient({ brokers: env.kafkaBrokers, clientId: 'rematch-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/image-scanner', topicPrefix: prefix, logger: silentLogger });
const sourceDir = join(mkdtempSync(join(tmpdir(), 'rematch-int-')), 'osv');
const PLATFORM = 'linux/amd64';
const quiet = { info: () => undefined, warn: () => undefined };
const image: ImageReference = { registry: 'registry.example', repository: 'acme/api', tag: 'v1', digest: `sha256:${'c'.repeat(64)}` };

let redis: StateClient;
let consumer: EventConsumer;

/** One scanner instance as far as re-matching goes: its own holder, the shared Redis and Kafka. */
function instance(name: string, db: VulnDb) {
  const holder = new VulnDbHolder(db);
  const track = new TrackDeployment(new RedisDeploymentStore(redis, { ttlMs: 3_600_000, ownerId: name }));
  const claims = new RedisIdempotencyStore(redis, { namespace: 'rematch' });
  const rematch = new RematchDeployed({
    deployed: () => track.deployed(),
    sboms: new RedisSbomStore(redis, 3_600_000),
    claim: { tryClaim: (version) => claims.tryClaim(version, 3_600_000), release: (version) => claims.forget([version]) },
    publish: async (body, id) => {
      await publisher.publish(ScanResults, body, { id });
    },
    logger: quiet,
    settings: { platform: PLATFORM, policy: { failOn: 'high', requireFix: true } },
  });
  return { holder, watcher: new RematchWatcher(holder, rematch, quiet) };
}

function addRecord(id: string, pkg: string): Promise<VulnDb> {
  writeFileSync(
    join(sourceDir, `${id}.json`),
    JSON.stringify({
      id,
      modified: '2025-01-01T00:00:00Z',
      database_specific: { severity: 'HIGH' },
      affected: [{ package: { ecosystem: 'npm', name: pkg }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }] }],
    }),
  );
  return loadOsvDirectory(sourceDir);
}

async function published(): Promise<ScanCompletedEvent[]> {
  const records = await readTopic(kafka, ScanResults.name, { topicPrefix: prefix, idleMs: 500 });
  return records.map((r) => JSON.parse(r.value!.toString()) as ScanCompletedEvent);
}

beforeAll(async () => {
  cpSync(join(REPO_ROOT, 'libs/vulndb/test/fixtures/osv'), sourceDir, { recursive: true });
  await ensureTopics(
    kafka,
    [
      { name: DeployEvents.name, partitions: 2, retentionMs: 3_600_000 },
      { name: companionTopics.retryOf(DeployEvents.name), partitions: 1, retentionMs: 3_600_000 },
      { name: companionTopics.dlqOf(DeployEvents.name), partitions: 1, retentionMs: 3_600_000 },
      { name: ScanResults.name, partitions: 1, retentionMs: 3_600_000 },
    ],
    { topicPrefix: prefix, logger: silentLogger },
  );
  await publisher.connect();
  redis = createRedisClient({ url: env.redisUrl, keyPrefix: prefix });
});

afterAll(async () => {
  await consumer?.stop();
  await publisher.disconnect();
  await redis?.close();
  rmSync(join(sourceDir, '..'), { recursive: true, force: true });
});

describe('re-matching deployed images on a new database (Redis + Kafka)', () => {
  it('publishes one changed scan.completed for a deployed digest when a new advisory hits it, and nothing for a swap that changes nothing', async () => {
    const initial = await loadOsvDirectory(sourceDir);
    const a = instance('scanner-a', initial);
    const b = instance('scanner-b', initial);
    const sboms = new RedisSbomStore(redis, 3_600_000);
    const packages: PackageRef[] = [{ type: 'npm', name: 'left-pad', version: '1.0.0' }];
    expect(initial.match(packages).findings).toEqual([]);
    await sboms.put({ digest: image.digest, platform: PLATFORM }, { platform: PLATFORM, packages, packageCount: 1, vulndbVersion: initial.version, verdict: 'pass', findingIds: [] });

    // The release with that digest succeeds in production, through deploy.events.
    const track = new TrackDeployment(new RedisDeploymentStore(redis, { ttlMs: 3_600_000, ownerId: 'consumer' }));
    consumer = new EventConsumer(kafka, { groupId: 'image-scanner', topicPrefix: prefix, publisher, logger: silentLogger, metrics: new Registry() }).subscribe(DeployEvents, async (event) => {
      await track.execute(event.body);
    });
    await consumer.start();
    await publisher.publish(DeployEvents, exampleReleaseTransition({ to: 'succeeded', from: 'deploying', sequence: 5, reason: 'RolloutComplete', images: [image] }));
    await expectEventually(async () => expect((await track.deployed()).map((i) => i.digest)).toEqual([image.digest]));

    // A new advisory for a package the image does not have: re-matched, nothing to publish.
    const unrelated = await addRecord('GHSA-rematch-other', 'not-in-the-image');
    a.holder.swap(unrelated);
    b.holder.swap(unrelated);
    await Promise.all([a.watcher.check(), b.watcher.check()]);
    expect((await sboms.get({ digest: image.digest, platform: PLATFORM }))?.vulndbVersion).toBe(unrelated.version);

    // A new advisory for left-pad 1.0.0: both instances swap, one publishes the changed verdict.
    const next = await addRecord('GHSA-rematch-leftpad', 'left-pad');
    a.holder.swap(next);
    b.holder.swap(next);
    await Promise.all([a.watcher.check(), b.watcher.check()]);

    const events = await expectEventually(async () => {
      const found = await published();
      expect(found).toHaveLength(1);
      return found;
    });
    expect(events[0]).toMatchObject({ kind: 'scan.completed', image: { digest: image.digest }, vulndbVersion: next.version, verdict: 'fail' });
    expect(events[0]!.vulnerabilities.map((v) => v.id)).toEqual(['GHSA-rematch-leftpad']);
    // Checking again (the next poll) publishes nothing more.
    await Promise.all([a.watcher.check(), b.watcher.check()]);
    expect(await published()).toHaveLength(1);
  });
});
