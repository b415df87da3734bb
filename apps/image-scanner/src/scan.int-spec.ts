import {
  allTopicSpecs,
  exampleRegistryBuildAnnounced,
  exampleRegistryImagePushed,
  type ImageReference,
  RegistryEvents,
  type ScanCompletedEvent,
  type ScanFailedEvent,
  ScanResults,
} from '@portcullis/contracts';
import { RedisFencingLock, createRedisClient } from '@portcullis/state';
import { createKafkaClient, ensureTopics, EventPublisher, readTopic, silentLogger } from '@portcullis/messaging';
import { expectEventually, REPO_ROOT, serviceEnv, stackEnv, startServiceProcess, uniquePrefix, type ServiceProcess } from '@portcullis/testing';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, pushImage, registryHost, registryStackEnv } from '@portcullis/testing';

// Registry events go through two real instances of the service (built, run as processes), the
// stack's registries, Kafka and Redis; the database is the OSV fixture set of libs/vulndb.
const stack = stackEnv();
const registry = registryStackEnv();
const prefix = uniquePrefix('scanner');
const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'image-scanner-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });
const anonymous = registryHost(registry.url);
const guarded = registryHost(registry.basicUrl);
const wrongPassword = randomBytes(12).toString('hex');
const run = randomBytes(3).toString('hex');

const instances: ServiceProcess[] = [];
const redis = createRedisClient({ url: stack.redisUrl, keyPrefix: prefix, clientName: 'image-scanner-int-spec' });

/** The shared base every test image starts from: Debian with a vulnerable minimist (GHSA-xvch-5gv4-984h, critical, fixed in 1.2.6). */
const baseLayer = {
  files: {
    'etc/os-release': 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
    'usr/lib/node_modules/minimist/package.json': JSON.stringify({ name: 'minimist', version: '1.2.5' }),
  },
};

async function pushed(repository: string, files: Record<string, string>): Promise<ImageReference> {
  // The run id in a file makes every layer (and so every digest) new to the shared Redis.
  const built = await buildImage({ layers: [baseLayer, { files: { ...files, [`srv/run-${run}`]: run } }] });
  const digest = await pushImage(registry.url, repository, 'v1', built);
  return { registry: anonymous, repository, tag: 'v1', digest };
}

async function publishPush(image: ImageReference): Promise<string> {
  const id = randomUUID();
  await publisher.publish(RegistryEvents, exampleRegistryImagePushed({ image, deliveryId: `push-${id}` }), { id });
  return id;
}

async function resultOf<T extends ScanCompletedEvent | ScanFailedEvent>(eventId: string, outcome: 'completed' | 'failed'): Promise<T> {
  return expectEventually(
    async () => {
      const records = await readTopic(kafka, ScanResults.name, { topicPrefix: prefix, idleMs: 300 });
      const record = records.find((r) => r.headers['ce_id'] === `${eventId}:scan-${outcome}`);
      expect(record, `no scan.${outcome} for ${eventId} yet:\n${instances.map((i) => i.tail()).join('\n---\n')}`).toBeDefined();
      return JSON.parse(record!.value!.toString()) as T;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

/** A counter of one instance, summed over the label sets `labels` matches. */
async function metricOf(instance: ServiceProcess, name: string, labels: RegExp = /.*/): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${instance.port}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) && labels.test(line)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** A counter summed over both instances. */
async function metric(name: string, labels?: RegExp): Promise<number> {
  const values = await Promise.all(instances.map((i) => metricOf(i, name, labels)));
  return values.reduce((a, b) => a + b, 0);
}

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-b', 'apps/image-scanner/tsconfig.lib.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  await expectEventually(
    async () => {
      const report = await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: prefix, logger: silentLogger });
      expect([...report.created, ...report.grown]).toEqual([]);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  await publisher.connect();
  // The anonymous registry, and the Basic-auth one with a wrong password read from a file.
  const dir = mkdtempSync(join(tmpdir(), 'scanner-int-'));
  writeFileSync(join(dir, 'password'), `${wrongPassword}\n`);
  writeFileSync(
    join(dir, 'registries.yaml'),
    [
      'registries:',
      `  - { registry: "${anonymous}", url: "${registry.url}", insecure: true }`,
      `  - registry: "${guarded}"`,
      `    url: "${registry.basicUrl}"`,
      '    insecure: true',
      `    username: ${registry.user}`,
      `    password: { file: "${join(dir, 'password')}" }`,
      '',
    ].join('\n'),
  );
  const env = (id: string) => ({
    ...serviceEnv(stack, prefix, id),
    SCAN_REGISTRIES_FILE: join(dir, 'registries.yaml'),
    SCAN_VULNDB_PATH: join(REPO_ROOT, 'libs/vulndb/test/fixtures/osv'),
    SCAN_BUSY_RETRY: '300ms',
    CONSUMER_MAX_ATTEMPTS: '2',
    SCANNER_API_TOKEN: apiToken,
  });
  instances.push(...(await Promise.all([startServiceProcess('image-scanner', env(`scanner-a-${run}`)), startServiceProcess('image-scanner', env(`scanner-b-${run}`))])));
}, 180_000);

const apiToken = randomBytes(24).toString('hex');

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  await publisher.disconnect().catch(() => undefined);
  await redis.close();
});

describe('image-scanner scans pushed images end to end', () => {
  it('reports the vulnerable package of a pushed image, then answers the same digest from the cache without pulling', async () => {
    const image = await pushed(`scanner-${run}/api`, { 'app/main.js': 'console.log(1)\n' });
    const first = await resultOf<ScanCompletedEvent>(await publishPush(image), 'completed');

    expect(first).toMatchObject({ kind: 'scan.completed', image, platform: 'linux/amd64', verdict: 'fail', cached: false, packageCount: 1 });
    expect(first.vulndbVersion).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.vulnerabilities).toEqual([
      { id: 'GHSA-xvch-5gv4-984h', aliases: ['CVE-2021-44906'], package: { name: 'minimist', version: '1.2.5', ecosystem: 'npm' }, fixedVersion: '1.2.6', severity: 'critical', suppressed: false },
    ]);
    expect(first.counts).toEqual({ critical: 1, high: 0, medium: 0, low: 0, unknown: 0 });
    expect(first.policy).toEqual({ source: 'default', failOn: 'high', suppressed: 0 });
    const pulledAfterFirst = await metric('portcullis_scan_layers_pulled_total');
    expect(pulledAfterFirst).toBeGreaterThanOrEqual(2);

    const again = await resultOf<ScanCompletedEvent>(await publishPush(image), 'completed');
    expect(again).toMatchObject({ cached: true, verdict: 'fail', vulndbVersion: first.vulndbVersion, vulnerabilities: first.vulnerabilities });
    expect(await metric('portcullis_scan_layers_pulled_total')).toBe(pulledAfterFirst);
    expect(await metric('portcullis_scan_result_cache_total', /outcome="hit"/)).toBeGreaterThanOrEqual(1);

    // The scan's OpenVEX document, from either instance's API (the cache is shared).
    const vexUrl = `http://127.0.0.1:${instances[1]!.port}/v1/images/${encodeURIComponent(image.digest)}/openvex?image=${encodeURIComponent(`${image.registry}/${image.repository}`)}`;
    expect((await fetch(vexUrl)).status).toBe(401);
    const vex = await fetch(vexUrl, { headers: { authorization: `Bearer ${apiToken}` } });
    expect(vex.status).toBe(200);
    expect(await vex.json()).toMatchObject({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      statements: [{ vulnerability: { name: 'GHSA-xvch-5gv4-984h' }, status: 'affected' }],
    });
  }, 120_000);

  it('does not report a package a later layer deleted (whiteout), in a Docker-format image with a zstd layer', async () => {
    const repository = `scanner-${run}/slim`;
    const built = await buildImage({
      format: 'docker',
      layers: [
        baseLayer,
        // The vulnerable package removed again, the way `RUN rm -rf …/minimist` records it.
        { files: { 'usr/lib/node_modules/.wh.minimist': '', [`srv/slim-${run}`]: run }, compression: 'zstd' },
      ],
    });
    const image: ImageReference = { registry: anonymous, repository, tag: 'v1', digest: await pushImage(registry.url, repository, 'v1', built) };
    const result = await resultOf<ScanCompletedEvent>(await publishPush(image), 'completed');
    expect(result).toMatchObject({ verdict: 'pass', packageCount: 0, vulnerabilities: [] });
  }, 120_000);

  it('pulls a base layer shared with an image scanned before only once', async () => {
    const one = await pushed(`scanner-${run}/web`, { 'app/web.js': 'web\n' });
    await resultOf(await publishPush(one), 'completed');
    const before = await metric('portcullis_scan_layers_pulled_total');

    const other = await pushed(`scanner-${run}/worker`, { 'app/worker.js': 'worker\n' });
    const result = await resultOf<ScanCompletedEvent>(await publishPush(other), 'completed');

    expect(result).toMatchObject({ cached: false, verdict: 'fail' });
    expect(result.vulnerabilities.map((v) => v.id)).toEqual(['GHSA-xvch-5gv4-984h']);
    // Only the worker's own layer: the base came from the layer cache.
    expect(await metric('portcullis_scan_layers_pulled_total')).toBe(before + 1);
  }, 120_000);

  it('scans a digest requested by many releases at once exactly once across both instances, and answers every request', async () => {
    const image = await pushed(`scanner-${run}/batch`, { 'app/batch.js': 'batch\n' });
    const pulledBefore = await metric('portcullis_scan_layers_pulled_total');
    const missesBefore = await metric('portcullis_scan_result_cache_total', /outcome="miss"/);
    const requestsBefore = await Promise.all(instances.map((i) => metricOf(i, 'portcullis_scan_requests_total')));
    // Announcements of ten repositories: ten keys, spread over the partitions of both instances.
    const ids = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const id = randomUUID();
        const body = exampleRegistryBuildAnnounced({ repository: { provider: 'github', owner: `acme-${run}`, name: `svc-${i}` }, image, deliveryId: `build-${id}` });
        await publisher.publish(RegistryEvents, body, { id });
        return { id, releaseId: `github/acme-${run}/svc-${i}@${body.commit}` };
      }),
    );

    const results = await Promise.all(ids.map(({ id }) => resultOf<ScanCompletedEvent>(id, 'completed')));

    expect(results.map((r) => r.releaseId).sort()).toEqual(ids.map((i) => i.releaseId).sort());
    expect(results.filter((r) => !r.cached)).toHaveLength(1);
    expect(await metric('portcullis_scan_result_cache_total', /outcome="miss"/)).toBe(missesBefore + 1);
    expect(await metric('portcullis_scan_layers_pulled_total')).toBe(pulledBefore + 1);
    // Both instances took part, so the single flight held across processes, not only within one.
    const requestsAfter = await Promise.all(instances.map((i) => metricOf(i, 'portcullis_scan_requests_total')));
    requestsAfter.forEach((after, i) => expect(after, `instance ${i} handled none of the announcements`).toBeGreaterThan(requestsBefore[i]!));
  }, 120_000);

  it('reports an image the registry refuses to show and an image that does not exist as scan.failed with the reason', async () => {
    const image = await pushed(`scanner-${run}/private`, { 'app/private.js': 'private\n' });
    // The same storage served by the registry that wants Basic auth; the configured password is wrong.
    const refused = await resultOf<ScanFailedEvent>(await publishPush({ ...image, registry: guarded }), 'failed');
    expect(refused).toMatchObject({ kind: 'scan.failed', code: 'AUTH_FAILED', image: { registry: guarded, digest: image.digest } });
    expect(refused.message).not.toContain(wrongPassword);

    const missing = { ...image, repository: `scanner-${run}/never-pushed`, digest: `sha256:${randomBytes(32).toString('hex')}` };
    const notFound = await resultOf<ScanFailedEvent>(await publishPush(missing), 'failed');
    expect(notFound).toMatchObject({ code: 'NOT_FOUND', image: missing });
    expect(notFound.message).toContain('not found');

    for (const instance of instances) expect(instance.rawOutput.join('\n')).not.toContain(wrongPassword);
  }, 120_000);

  it('re-schedules an event whose digest another instance is scanning, and answers it once that scan is over', async () => {
    const image = await pushed(`scanner-${run}/held`, { 'app/held.js': 'held\n' });
    // This test plays the other instance: it holds the digest's scan lock.
    const other = new RedisFencingLock(redis, { namespace: 'scan-lock', ownerId: 'int-spec' });
    const lease = await other.acquire(`${image.digest}:linux/amd64`, 60_000);
    expect(lease).not.toBeNull();
    const busyBefore = await metric('portcullis_scan_requests_total', /outcome="busy"/);
    const id = await publishPush(image);

    await expectEventually(async () => expect(await metric('portcullis_scan_requests_total', /outcome="busy"/)).toBeGreaterThanOrEqual(busyBefore + 2), { timeoutMs: 30_000 });
    const early = await readTopic(kafka, ScanResults.name, { topicPrefix: prefix, idleMs: 300 });
    expect(early.some((r) => r.headers['ce_id']?.startsWith(id))).toBe(false);

    expect(await other.release(lease!)).toBe(true);
    const result = await resultOf<ScanCompletedEvent>(id, 'completed');
    expect(result).toMatchObject({ image, cached: false, verdict: 'fail' });
  }, 120_000);

  it('stops both instances cleanly on SIGTERM', async () => {
    for (const instance of instances) {
      expect(await instance.stop()).toEqual({ code: 0, signal: null });
      expect(instance.lines.some((l) => l.msg === 'service stopped')).toBe(true);
    }
  }, 60_000);
});
