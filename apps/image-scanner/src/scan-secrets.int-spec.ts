import { allTopicSpecs, exampleRegistryImagePushed, type ImageReference, RegistryEvents, type ScanCompletedEvent, ScanResults } from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, EventPublisher, readTopic, silentLogger } from '@portcullis/messaging';
import { kafkaTexts, leaksIn, redisTexts } from '@portcullis/pipeline';
import {
  buildImage,
  expectEventually,
  pushImage,
  registryHost,
  registryStackEnv,
  REPO_ROOT,
  serviceEnv,
  stackEnv,
  startServiceProcess,
  uniquePrefix,
  type ServiceProcess,
} from '@portcullis/testing';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken } from '../test/secret-fixtures.js';

// Secrets baked into images, end to end: a real instance of the service (built, run as a process)
// with a fingerprint key, images built by the test and pushed to the stack's registry, Kafka and
// Redis; the database is the OSV fixture set of libs/vulndb.
const stack = stackEnv();
const registry = registryStackEnv();
const prefix = uniquePrefix('scanner-secrets');
const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'image-scanner-secrets-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });
const host = registryHost(registry.url);
const run = randomBytes(3).toString('hex');
const fingerprintKey = randomBytes(24).toString('hex');
/** Every credential planted in an image: none may appear anywhere the service writes. */
const planted: string[] = [];
let instance: ServiceProcess;
let firstResult: ScanCompletedEvent | undefined;

async function publishPush(image: ImageReference): Promise<string> {
  const id = randomUUID();
  await publisher.publish(RegistryEvents, exampleRegistryImagePushed({ image, deliveryId: `push-${id}` }), { id });
  return id;
}

async function completedFor(eventId: string): Promise<ScanCompletedEvent> {
  return expectEventually(
    async () => {
      const records = await readTopic(kafka, ScanResults.name, { topicPrefix: prefix, idleMs: 300 });
      const record = records.find((r) => r.headers['ce_id'] === `${eventId}:scan-completed`);
      expect(record, `no scan.completed for ${eventId} yet:\n${instance.tail()}`).toBeDefined();
      return JSON.parse(record!.value!.toString()) as ScanCompletedEvent;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
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
  const dir = mkdtempSync(join(tmpdir(), 'scanner-secrets-int-'));
  writeFileSync(join(dir, 'registries.yaml'), `registries:\n  - { registry: "${host}", url: "${registry.url}", insecure: true }\n`);
  writeFileSync(join(dir, 'fingerprint-key'), `${fingerprintKey}\n`);
  instance = await startServiceProcess('image-scanner', {
    ...serviceEnv(stack, prefix, `scanner-secrets-${run}`),
    SCAN_REGISTRIES_FILE: join(dir, 'registries.yaml'),
    SCAN_VULNDB_PATH: join(REPO_ROOT, 'libs/vulndb/test/fixtures/osv'),
    SECRETS_FINGERPRINT_KEY_FILE: join(dir, 'fingerprint-key'),
    SCAN_SECRETS_WORKERS: '1',
    CONSUMER_MAX_ATTEMPTS: '2',
  });
}, 180_000);

afterAll(async () => {
  await instance?.stop();
  await publisher.disconnect().catch(() => undefined);
});

describe('image-scanner finds secrets baked into images', () => {
  it('reports a token added in layer 1 and deleted in layer 2 (still in the image) and fails the scan', async () => {
    const token = fakeGithubToken();
    const envToken = fakeGithubToken();
    planted.push(token, envToken);
    const repository = `secrets-${run}/app`;
    const built = await buildImage({
      layers: [
        // `COPY .git-credentials /root/` … then `RUN npm ci && rm /root/.git-credentials`.
        { files: { 'etc/os-release': 'ID=debian\nVERSION_ID="12"\n', 'root/.git-credentials': `https://ci:${token}@github.com\n`, [`srv/run-${run}`]: run } },
        { files: { 'root/.wh..git-credentials': '', 'app/main.js': 'console.log(1)\n' } },
      ],
      containerConfig: { Env: ['PATH=/usr/bin:/bin', `GITHUB_TOKEN=${envToken}`] },
    });
    const image: ImageReference = { registry: host, repository, tag: 'v1', digest: await pushImage(registry.url, repository, 'v1', built) };

    const result = await completedFor(await publishPush(image));
    firstResult = result;

    // No vulnerable package: the secrets alone fail it.
    expect(result).toMatchObject({ kind: 'scan.completed', image, verdict: 'fail', vulnerabilities: [], counts: { critical: 0, high: 0 } });
    expect(result.secrets).toMatchObject({ verdict: 'fail', policy: { source: 'default', failOn: 'high', suppressed: 0 }, stats: { layers: 2 } });
    const byPath = Object.fromEntries((result.secrets?.findings ?? []).map((f) => [f.path, f]));
    expect(byPath['root/.git-credentials']).toMatchObject({ source: 'layer', layerDigest: built.layers[0]!.digest, line: 1, deletedLater: true, triage: 'open', suppressed: false });
    expect(byPath['root/.git-credentials']?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(byPath['root/.git-credentials']?.preview).toContain('***');
    expect(byPath['config.env[GITHUB_TOKEN]']).toMatchObject({ source: 'env', ruleId: 'github-pat', severity: 'critical', suppressed: false });
    expect(result.secrets?.counts.critical).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('reports the same secret, with the same fingerprint and layer, in another image built on that layer', async () => {
    const first = firstResult!;
    expect(first).toBeDefined();
    const token = planted[0]!;
    const repository = `secrets-${run}/other`;
    const built = await buildImage({
      layers: [
        { files: { 'etc/os-release': 'ID=debian\nVERSION_ID="12"\n', 'root/.git-credentials': `https://ci:${token}@github.com\n`, [`srv/run-${run}`]: run } },
        { files: { 'root/.wh..git-credentials': '', 'app/other.js': 'console.log(2)\n' } },
      ],
    });
    const image: ImageReference = { registry: host, repository, tag: 'v1', digest: await pushImage(registry.url, repository, 'v1', built) };

    const result = await completedFor(await publishPush(image));

    const secretOf = (e: ScanCompletedEvent) => e.secrets?.findings.find((f) => f.path === 'root/.git-credentials');
    expect(secretOf(result)).toMatchObject({ layerDigest: secretOf(first)?.layerDigest, fingerprint: secretOf(first)?.fingerprint, deletedLater: true });
    expect(result.verdict).toBe('fail');
  }, 120_000);

  it('leaves no planted secret in any Kafka record, Redis value or the service output', async () => {
    expect(planted).toHaveLength(2);
    const texts = [...(await kafkaTexts(kafka, prefix)), ...redisTexts(stack.redisUrl, prefix), { where: 'service output', text: instance.rawOutput.join('\n') }];
    // The leak check reads real data: the scan results and the secret layer cache are there.
    expect(texts.find((t) => t.where.startsWith('Kafka topic') && t.where.endsWith(ScanResults.name))?.text).toContain('root/.git-credentials');
    expect(texts.find((t) => t.where === 'Redis keys')?.text).toContain(`${prefix}secret-layer:`);

    expect(leaksIn(texts, planted)).toEqual([]);
    // Nor a recognisable piece of one (the part after the public `ghp_` prefix).
    expect(leaksIn(texts, planted.map((t) => t.slice(4, 24)))).toEqual([]);
  }, 120_000);
});
