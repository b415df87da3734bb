import { AuditResults, releaseIdOf, ScmEvents } from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, type KafkaClient, silentLogger } from '@portcullis/messaging';
import { allTopicSpecs } from '@portcullis/contracts';
import {
  buildGithubPush,
  deliver,
  generateSecrets,
  instanceEnv,
  PIPELINE_FILES,
  type PipelineConfigInput,
  PipelineObserver,
  type PipelineService,
  plantedGitHubToken,
  SOURCE_IDS,
  writePipelineFiles,
} from '@portcullis/pipeline';
import { createRemoteRepo, gitServerEnv, type GitServerEnv, registryStackEnv, REPO_ROOT, stackEnv, uniqueOwner, uniquePrefix, WorkTree } from '@portcullis/testing';
import { adminKubeConfig, createTestNamespace, serviceAccountKubeConfig, type TestNamespace } from '@portcullis/testing/kube';
import { type FakeGitHubStatuses, type FakeSlack, startFakeGitHubStatuses, startFakeSlack } from '@portcullis/testing/saas';
import { type KubernetesObject } from '@kubernetes/client-node';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { getContainerRuntimeClient, ImageName, PullPolicy, type StartedTestContainer, Wait } from 'testcontainers';
import { HardenedContainer, inspectContainer, LogTail, onHostNetwork, removeContainer } from './test/service-container.js';
import { freePort, imageName, SERVICE_APPS, type ServiceApp } from './test/service-images.js';

/*
 * The five service images, not their sources: each built image (tools/images/build.sh) runs as a
 * testcontainers GenericContainer (on Podman's Docker API, tools/podman/ensure-podman.sh) against
 * the local stack's Kafka, Redis, git server and Kubernetes API, with the hardening the Helm chart
 * applies (read-only root filesystem, a tmpfs for /tmp, the image's non-root user), configured the way the pipeline harness configures the same services as
 * processes (libs/pipeline's instanceEnv and config files). A signed GitHub push is then sent to
 * the intake container and followed through Kafka to the secret-auditor's audit and the
 * notifier's Slack thread. The containers share the host's network: the stack listens, and
 * Kafka advertises itself, on 127.0.0.1. Missing images fail the suite (build them first).
 */

const CONTAINER_UID = 1000; // the `node` user of the base image (tools/images/seed-base.sh)
const SLACK_CHANNEL = 'C0DEPLOYS';
// The vulnerability data the harness hands the scanner; mounted read-only at the same path.
const VULNDB_FIXTURES = join(REPO_ROOT, 'libs/vulndb/test/fixtures/osv');

const running = new Map<ServiceApp, { container: StartedTestContainer; port: number }>();
const logs = new Map<ServiceApp, LogTail>(SERVICE_APPS.map((app) => [app, new LogTail()]));
let prefix: string;
let owner: string;
let runDir: string;
let git: GitServerEnv;
let kafka: KafkaClient;
let namespace: TestNamespace | undefined;
let slack: FakeSlack | undefined;
let github: FakeGitHubStatuses | undefined;
let observer: PipelineObserver | undefined;
let config: PipelineConfigInput;
const workTrees: WorkTree[] = [];

const baseUrl = (app: ServiceApp) => `http://127.0.0.1:${running.get(app)!.port}`;

/** What each container printed last, for failure messages. */
function logTails(apps: readonly ServiceApp[] = SERVICE_APPS): string {
  return apps.map((app) => `--- ${app}\n${logs.get(app)!.text()}`).join('\n');
}

async function ensureRunTopics(): Promise<void> {
  // A topic created a moment ago may still report as missing: repeat until a pass creates nothing.
  for (let attempt = 1; attempt <= 60; attempt += 1) {
    const report = await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: prefix, logger: silentLogger });
    if (report.created.length + report.grown.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`topics under ${prefix} still changing`);
}

/** Files the `node` user in the containers must read or write: ours, given to uid 1000. */
function giveToContainerUser(path: string): void {
  chownSync(path, CONTAINER_UID, CONTAINER_UID);
}

// Fail, never skip: a setup failure (no engine, missing images) fails every test with its reason,
// instead of the runner reporting the tests as skipped.
let setupError: unknown;
beforeEach(() => {
  if (setupError !== undefined) throw setupError;
});

beforeAll(async () => {
  try {
    await setUp();
  } catch (error) {
    setupError = error;
  }
}, 240_000);

async function setUp(): Promise<void> {
  const client = await getContainerRuntimeClient().catch((error: unknown) => {
    throw new Error(`no container engine at DOCKER_HOST=${process.env['DOCKER_HOST'] ?? '(unset)'}: run tools/podman/ensure-podman.sh (${String(error)})`);
  });
  const missing: string[] = [];
  for (const app of SERVICE_APPS) if (!(await client.image.exists(ImageName.fromString(imageName(app))))) missing.push(imageName(app));
  if (missing.length > 0) throw new Error(`images missing: ${missing.join(', ')} — build them with tools/images/build.sh`);

  const stack = stackEnv();
  git = gitServerEnv();
  prefix = uniquePrefix('images');
  owner = uniqueOwner('images');
  runDir = mkdtempSync(join(tmpdir(), 'portcullis-images-'));
  chmodSync(runDir, 0o755);
  mkdirSync(join(runDir, 'mirrors'));
  giveToContainerUser(join(runDir, 'mirrors'));

  kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'images-int', topicPrefix: prefix }, silentLogger);
  await ensureRunTopics();

  // The orchestrator's kubeconfig: the restricted ServiceAccount of deploy/rbac in a test namespace.
  const admin = adminKubeConfig();
  namespace = await createTestNamespace(admin, 'images');
  const rbac = parseAllDocuments(readFileSync(join(REPO_ROOT, 'deploy/rbac/deploy-orchestrator.yaml'), 'utf8'))
    .map((d) => d.toJS() as KubernetesObject)
    .filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding');
  const restricted = await serviceAccountKubeConfig(admin, { namespace: namespace.name, serviceAccount: 'deploy-orchestrator', manifests: rbac });
  writeFileSync(join(runDir, PIPELINE_FILES.kubeconfig), restricted.exportConfig(), { mode: 0o600 });
  giveToContainerUser(join(runDir, PIPELINE_FILES.kubeconfig));

  slack = await startFakeSlack({});
  github = await startFakeGitHubStatuses();
  config = {
    stack,
    git,
    registryUrl: registryStackEnv().url,
    prefix,
    secrets: generateSecrets(),
    runDir,
    slack: { url: slack.url, token: slack.token },
    github: { url: github.url, token: github.token },
    routing: { defaultChannel: SLACK_CHANNEL },
    releaseUrl: 'https://portcullis.example.com/releases/{releaseId}',
  };
  writePipelineFiles(config);
  observer = await PipelineObserver.start(kafka, prefix);

  // start() resolves once /readyz answers, i.e. the service's consumers joined their groups: no
  // event sent after it can be missed. A container that exits first fails its start at once.
  const started = await Promise.allSettled(
    SERVICE_APPS.map(async (app) => {
      const port = await freePort();
      const instanceId = `${app}-${prefix.slice(0, -1)}`;
      const env = { ...instanceEnv(config, app satisfies PipelineService, instanceId), PORT: String(port), HOST: '127.0.0.1' };
      const container = await new HardenedContainer(imageName(app))
        .withName(`${prefix}${app}`)
        .withPullPolicy(PullPolicy.neverPull())
        .withEnvironment(env)
        .withNetworkMode('host')
        .withReadOnlyRootFilesystem()
        .withTmpFs({ '/tmp': 'rw,nosuid,nodev,size=64m' })
        .withBindMounts([
          { source: runDir, target: runDir },
          { source: VULNDB_FIXTURES, target: VULNDB_FIXTURES, mode: 'ro' },
        ])
        .withLogConsumer(logs.get(app)!.consume)
        .withWaitStrategy(onHostNetwork(Wait.forHttp('/readyz', port, { abortOnContainerExit: true }), port))
        .withStartupTimeout(120_000)
        .start();
      running.set(app, { container, port });
    }),
  );
  const failed = started.flatMap((result, i) => (result.status === 'rejected' ? [{ app: SERVICE_APPS[i]!, reason: String(result.reason) }] : []));
  if (failed.length > 0) {
    const reasons = failed.map(({ app, reason }) => `${app}: ${reason}`).join('\n');
    throw new Error(`containers did not become ready:\n${reasons}\n${logTails(failed.map(({ app }) => app))}`);
  }
}

afterAll(async () => {
  await observer?.stop();
  // stop() removes the container (a second stop() after the SIGTERM test is a no-op).
  await Promise.all([...running.values()].map(({ container }) => container.stop().catch(() => undefined)));
  await Promise.all([slack?.close(), github?.close(), namespace?.delete()]);
  for (const tree of workTrees) tree.remove();
  if (git && owner) rmSync(join(git.root, owner), { recursive: true, force: true });
  if (runDir) rmSync(runDir, { recursive: true, force: true });
});

describe('the built service images', () => {
  it('run as the non-root node user and declare a health check', async () => {
    const client = await getContainerRuntimeClient();
    const seen: Record<string, { user: string | undefined; uid: string; healthcheck: boolean }> = {};
    for (const app of SERVICE_APPS) {
      const { container } = running.get(app)!;
      const image = await client.image.inspect(ImageName.fromString(imageName(app)));
      const id = await container.exec(['id', '-u']);
      // The image's HEALTHCHECK as the container inherited it (nothing here sets one): Podman 4.3's
      // Docker-compatible image inspect leaves Config.Healthcheck out, its container inspect has it.
      const healthcheck = (await inspectContainer(container)).Config.Healthcheck?.Test ?? [];
      seen[app] = { user: image.Config.User, uid: id.stdout.trim(), healthcheck: healthcheck.join(' ').includes('/healthz') };
    }
    expect(seen).toEqual(Object.fromEntries(SERVICE_APPS.map((app) => [app, { user: 'node', uid: String(CONTAINER_UID), healthcheck: true }])));
  });

  it('carry the production dependencies and none of the development ones', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    // The root's devDependencies that nothing in production needs (npm marks them `dev` in the lock
    // file; @types/node, say, is also a production package's dependency and rightly ships).
    const dev = Object.keys(pkg.devDependencies).filter((name) => lock.packages[`node_modules/${name}`]?.dev === true);
    expect(dev).toEqual(expect.arrayContaining(['vitest', 'typescript', 'eslint', 'nx']));
    const production = Object.keys(pkg.dependencies);
    // Which of the named packages /app/node_modules holds, by its package.json.
    const present = async (app: ServiceApp, names: readonly string[]) => {
      const script = `const fs=require('fs');console.log(JSON.stringify(${JSON.stringify(names)}.filter((n)=>fs.existsSync('/app/node_modules/'+n+'/package.json'))))`;
      const out = await running.get(app)!.container.exec(['node', '-e', script]);
      expect(out.exitCode, out.stderr).toBe(0);
      return JSON.parse(out.stdout) as string[];
    };
    for (const app of SERVICE_APPS) {
      expect({ app, dev: await present(app, dev) }).toEqual({ app, dev: [] });
      expect({ app, production: await present(app, production) }).toEqual({ app, production });
    }
  });

  it('work on a read-only root filesystem: writes outside /tmp fail, /healthz and /readyz answer', async () => {
    for (const app of SERVICE_APPS) {
      const { container } = running.get(app)!;
      expect((await inspectContainer(container)).HostConfig.ReadonlyRootfs).toBe(true);
      const write = await container.exec(['sh', '-c', 'touch /app/probe; echo written > /tmp/probe && cat /tmp/probe']);
      expect({ app, exitCode: write.exitCode, stderr: write.stderr.trim(), stdout: write.stdout.trim() }).toEqual({
        app,
        exitCode: 0,
        stderr: expect.stringContaining('Read-only file system') as unknown as string,
        stdout: 'written',
      });
      for (const path of ['/healthz', '/readyz']) {
        const res = await fetch(`${baseUrl(app)}${path}`);
        expect({ app, path, status: res.status }).toEqual({ app, path, status: 200 });
      }
    }
  });

  it('take a signed GitHub push through intake, Kafka, the secret audit and the Slack thread', async () => {
    const name = 'leaky';
    createRemoteRepo(git, owner, name);
    const tree = new WorkTree(git, owner, name);
    workTrees.push(tree);
    // Generated at run time: a literal token here would be found by our own repository scan.
    tree.write('src/github.ts', `// TODO move to the vault\nexport const githubToken = '${plantedGitHubToken()}';\n`);
    tree.write('README.md', '# leaky\n');
    const after = tree.commit('add the GitHub client');
    tree.push('main');

    const answer = await deliver(
      baseUrl('webhook-intake'),
      buildGithubPush({
        sourceId: SOURCE_IDS.github,
        secret: config.secrets.githubWebhook,
        owner,
        name,
        after,
        commits: [{ id: after, message: 'add the GitHub client', author: { name: 'Test Author', email: 'author@example.com' } }],
      }),
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expect(answer.body?.status).toBe('accepted');

    const releaseId = releaseIdOf({ provider: 'github', owner, name }, after);
    const audit = await observer!
      .waitFor(
        () => observer!.eventsOf(releaseId).find((e) => e.topic === AuditResults.name),
        90_000,
        () => `no ${AuditResults.name} record for ${releaseId}; seen: ${observer!.eventsOf(releaseId).map((e) => `${e.topic}/${e.body.kind}`).join(', ') || 'nothing'}`,
      )
      .catch((error: unknown) => {
        throw new Error(`${String(error)}\n${logTails()}`);
      });
    expect(observer!.eventsOf(releaseId).find((e) => e.topic === ScmEvents.name)?.body.kind).toBe('push');
    const body = audit.body as { kind: string; findings?: { ruleId: string; path: string; line: number }[] };
    expect(body.kind).toBe('audit.completed');
    expect(body.findings?.map((f) => `${f.ruleId} ${f.path}:${f.line}`)).toEqual(['github-pat src/github.ts:2']);

    // The notifier container folded the events into one thread in the Slack stand-in.
    const root = await observer!.waitFor(
      () => slack!.roots(SLACK_CHANNEL).find((m) => JSON.stringify([m.text, m.blocks]).includes(after.slice(0, 7))),
      60_000,
      () => `no Slack root for ${after.slice(0, 7)} in ${SLACK_CHANNEL}; roots: ${JSON.stringify(slack!.roots(SLACK_CHANNEL).map((m) => m.text))}`,
    );
    expect(root.text).toContain(name);
  });

  it('stop cleanly on SIGTERM (node is PID 1 and drains)', async () => {
    // SIGTERM, then SIGKILL after 25 s (exit 137): kept (remove: false) to read the exit code.
    const exitCode = async (app: ServiceApp): Promise<number> => {
      const stopped = await running.get(app)!.container.stop({ timeout: 25_000, remove: false });
      try {
        return (await inspectContainer(stopped)).State.ExitCode;
      } finally {
        await removeContainer(stopped.getId());
      }
    };
    const codes = Object.fromEntries(await Promise.all(SERVICE_APPS.map(async (app) => [app, await exitCode(app)] as const)));
    expect(codes, logTails()).toEqual(Object.fromEntries(SERVICE_APPS.map((app) => [app, 0])));
  });
});
