import { allTopicSpecs, exampleRegistryBuildAnnounced, type ImageReference, RegistryEvents, type ScanCompletedEvent, ScanResults } from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, EventPublisher, readTopic, silentLogger } from '@portcullis/messaging';
import {
  buildImage,
  createRemoteRepo,
  expectEventually,
  gitServerEnv,
  pushImage,
  registryHost,
  registryStackEnv,
  REPO_ROOT,
  serviceEnv,
  stackEnv,
  startServiceProcess,
  uniqueOwner,
  uniquePrefix,
  WorkTree,
  type ServiceProcess,
} from '@portcullis/testing';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClientFor } from './image-tests/docker-api.command-runner.js';

// Image tests end to end: the built service (as a process) reads the `imageTests:` of the
// repository's `.portcullis.yaml` from the stack's git server at the built commit, runs the
// metadata and content checks on an image the test built and pushed to the stack's registry, and
// runs its command tests for real in Podman through the Docker API (TEST-INFRA §6).
const DOCKER_HOST = process.env['DOCKER_HOST'] ?? 'unix:///run/podman-test.sock';
const BUSYBOX = '/bin/busybox';
const stack = stackEnv();
const registry = registryStackEnv();
const git = gitServerEnv();
const prefix = uniquePrefix('scanner-imgtests');
const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'image-scanner-image-tests-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });
const host = registryHost(registry.url);
const run = randomBytes(3).toString('hex');
const owner = uniqueOwner('imgtests');
const trees: WorkTree[] = [];
let instance: ServiceProcess;

const PORTCULLIS_YAML = `imageTests:
  metadata:
    nonRoot: true
  content:
    forbid: [shells, private-keys]
    mustExist: [/app/server, /etc/passwd]
  commands:
    - id: greets
      argv: [/bin/busybox, echo, hello from the image]
      stdout: { match: ["^hello from"] }
      timeout: 20s
    - id: config-present
      argv: [/bin/busybox, cat, /etc/app.conf]
      timeout: 20s
`;

/** A repository with the `.portcullis.yaml` above; returns the commit. */
function seedRepository(name: string): string {
  createRemoteRepo(git, owner, name);
  const tree = new WorkTree(git, owner, name);
  trees.push(tree);
  tree.write('.portcullis.yaml', PORTCULLIS_YAML);
  const sha = tree.commit('declare image tests');
  tree.push('HEAD:refs/heads/main');
  return sha;
}

async function completedFor(eventId: string): Promise<ScanCompletedEvent> {
  return expectEventually(
    async () => {
      const records = await readTopic(kafka, ScanResults.name, { topicPrefix: prefix, idleMs: 300 });
      const record = records.find((r) => r.headers['ce_id'] === `${eventId}:scan-completed`);
      expect(record, `no scan.completed for ${eventId} yet:\n${instance.tail()}`).toBeDefined();
      return JSON.parse(record!.value!.toString()) as ScanCompletedEvent;
    },
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
}

beforeAll(async () => {
  try {
    await dockerClientFor(DOCKER_HOST).ping();
  } catch (error) {
    throw new Error(`no container engine at ${DOCKER_HOST} (${String(error)}): run \`. tools/podman/ensure-podman.sh\` (Podman, TEST-INFRA §6) or set DOCKER_HOST`);
  }
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is missing: apt-get install -y busybox-static (the test image is built from it)`);
  execFileSync('npx', ['tsc', '-b', 'apps/image-scanner/tsconfig.lib.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  await expectEventually(
    async () => {
      const report = await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: prefix, logger: silentLogger });
      expect([...report.created, ...report.grown]).toEqual([]);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  await publisher.connect();
  const dir = mkdtempSync(join(tmpdir(), 'scanner-imgtests-int-'));
  writeFileSync(join(dir, 'registries.yaml'), `registries:\n  - { registry: "${host}", url: "${registry.url}", insecure: true }\n`);
  instance = await startServiceProcess('image-scanner', {
    ...serviceEnv(stack, prefix, `scanner-imgtests-${run}`),
    SCAN_REGISTRIES_FILE: join(dir, 'registries.yaml'),
    SCAN_VULNDB_PATH: join(REPO_ROOT, 'libs/vulndb/test/fixtures/osv'),
    GIT_HOST_GITEA_URL: git.url,
    GIT_HOST_GITEA_USERNAME: git.user,
    GIT_HOST_GITEA_TOKEN: git.password,
    GIT_HOSTS_ALLOW_HTTP: 'gitea',
    IMAGE_TESTS_RUNNER: 'docker',
    IMAGE_TESTS_DOCKER_HOST: DOCKER_HOST,
    IMAGE_TESTS_PULL_TIMEOUT: '60s',
    CONSUMER_MAX_ATTEMPTS: '2',
  });
}, 240_000);

afterAll(async () => {
  await instance?.stop();
  await publisher.disconnect().catch(() => undefined);
  trees.forEach((t) => t.remove());
});

describe('image-scanner runs the image tests a repository declares', () => {
  it('reports each test of the built commit against a pushed image, commands run in Podman, as its own failed gate', async () => {
    const name = `api-${run}`;
    const sha = seedRepository(name);
    // Runs as 1000 (nonRoot passes), has /app/server and /etc/passwd (mustExist passes), no private
    // key, but a shell (`bin/sh` → busybox), and no /etc/app.conf (the `cat` command exits 1).
    const built = await buildImage({
      layers: [
        {
          files: {
            'bin/busybox': { content: readFileSync(BUSYBOX), mode: 0o755 },
            'bin/sh': { symlink: 'busybox' },
            'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/:/bin/sh\n',
            'app/server': { content: `#!/bin/sh\necho ${run}\n`, mode: 0o755 },
            tmp: { directory: true, mode: 0o1777 },
          },
        },
      ],
      containerConfig: { User: '1000:1000', Env: ['PATH=/bin'], Cmd: ['/app/server'] },
    });
    const repository = `imgtests-${run}/api`;
    const image: ImageReference = { registry: host, repository, tag: 'v1', digest: await pushImage(registry.url, repository, 'v1', built) };
    const id = randomUUID();
    await publisher.publish(
      RegistryEvents,
      exampleRegistryBuildAnnounced({ repository: { provider: 'gitea', owner, name }, commit: sha, image, deliveryId: `build-${id}` }),
      { id },
    );

    const result = await completedFor(id);

    // Its own gate: the vulnerability verdict is untouched by the failed tests.
    expect(result).toMatchObject({ kind: 'scan.completed', image, releaseId: `gitea/${owner}/${name}@${sha}`, verdict: 'pass' });
    expect(result.imageTests).toMatchObject({ verdict: 'failed', failed: 2, notRun: 0, resultsTruncated: false });
    const status = Object.fromEntries((result.imageTests?.results ?? []).map((r) => [r.id, r.status]));
    expect(status).toEqual({
      'metadata.nonRoot': 'passed',
      'metadata.noSecretEnv': 'passed',
      'content.forbid.shells': 'failed',
      'content.forbid.private-keys': 'passed',
      'content.mustExist': 'passed',
      'command.greets': 'passed',
      'command.config-present': 'failed',
    });
    // Failures first, each with why.
    expect(result.imageTests?.results.slice(0, 2)).toEqual([
      { id: 'content.forbid.shells', kind: 'content', status: 'failed', reason: expect.stringContaining('bin/sh') },
      { id: 'command.config-present', kind: 'command', status: 'failed', reason: expect.stringContaining('exit') },
    ]);
  }, 240_000);
});
