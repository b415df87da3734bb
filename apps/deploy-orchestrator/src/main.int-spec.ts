import { AppsV1Api, CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import {
  allTopicSpecs,
  AuditResults,
  DeployEvents,
  exampleAuditCompleted,
  exampleRegistryBuildAnnounced,
  exampleScanCompleted,
  type ImageReference,
  RegistryEvents,
  type ReleaseTransitionEvent,
  type RepositoryRef,
  ScanResults,
} from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, EventPublisher, readTopic, silentLogger } from '@portcullis/messaging';
import {
  createRemoteRepo,
  expectEventually,
  gitServerEnv,
  REPO_ROOT,
  serviceEnv,
  type ServiceProcess,
  stackEnv,
  startServiceProcess,
  uniqueOwner,
  uniquePrefix,
  WorkTree,
} from '@portcullis/testing';
import { adminKubeConfig, createTestNamespace, serviceAccountKubeConfig, type TestNamespace } from '@portcullis/testing/kube';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

/*
 * The deploy-orchestrator as operators run it: the built service as a process, real Kafka and
 * Redis, the release's files in the stack's git server, and the local Kubernetes control plane
 * with kwok nodes, reached with a ServiceAccount bound to exactly the Role in deploy/rbac.
 */

const stack = stackEnv();
const git = gitServerEnv();
const prefix = uniquePrefix('deploy-orchestrator');
const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'deploy-orchestrator-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });
const admin = adminKubeConfig();
const apiToken = randomBytes(24).toString('hex');
const owner = uniqueOwner('deploy');
const repository: RepositoryRef = { provider: 'github', owner, name: 'shop' };
const IMAGE = { registry: 'registry.example.com', repository: `${owner}/shop` };

let namespace: TestNamespace;
let service: ServiceProcess | undefined;
let work: WorkTree;

const digest = (byte: string) => `sha256:${byte.repeat(64)}`;
const imageOf = (byte: string): ImageReference => ({ ...IMAGE, tag: 'main', digest: digest(byte) });

function pipelineFile(env: Record<string, unknown> = {}): string {
  return JSON.stringify({
    deploy: {
      app: 'shop',
      images: [`${IMAGE.registry}/${IMAGE.repository}`],
      manifests: { path: 'deploy' },
      environments: [{ name: 'staging', namespace: namespace.name, strategy: 'rolling', progressDeadlineSeconds: 8, ...env }],
    },
  });
}

/** A Deployment that passes the default (strict) manifest policy. */
function deployment(options: { neverReady?: boolean; privileged?: boolean } = {}): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'shop' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'shop' } },
      template: {
        metadata: { labels: { app: 'shop', ...(options.neverReady ? { 'portcullis.dev/kwok-never-ready': 'true' } : {}) } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 10001 },
          containers: [
            {
              name: 'shop',
              image: `${IMAGE.registry}/${IMAGE.repository}:main`,
              resources: { limits: { cpu: '200m', memory: '128Mi' } },
              securityContext: { allowPrivilegeEscalation: false, ...(options.privileged ? { privileged: true } : {}) },
            },
          ],
        },
      },
    },
  });
}

function serviceManifest(): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop' }, spec: { selector: { app: 'shop' }, ports: [{ port: 80, targetPort: 8080 }] } });
}

/** Commits the files, pushes, and sends what the other services would: a passing audit, a build, a passing scan. */
async function release(files: Record<string, string>, image: ImageReference): Promise<string> {
  for (const [path, content] of Object.entries(files)) work.write(path, content);
  const sha = work.commit(`release ${image.digest.slice(7, 15)}`);
  work.push('main');
  const releaseId = `github/${owner}/shop@${sha}`;
  await publisher.publish(AuditResults, exampleAuditCompleted({ releaseId, repository, range: { before: '0'.repeat(40), after: sha }, verdict: 'pass', findings: [], counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 } }));
  await publisher.publish(RegistryEvents, exampleRegistryBuildAnnounced({ repository, commit: sha, image }));
  await publisher.publish(ScanResults, exampleScanCompleted({ releaseId, repository, image, verdict: 'pass', vulnerabilities: [], counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 } }));
  return releaseId;
}

async function transitions(releaseId: string): Promise<ReleaseTransitionEvent[]> {
  const records = await readTopic(kafka, DeployEvents.name, { topicPrefix: prefix, idleMs: 300 });
  return records
    .map((r) => JSON.parse(r.value!.toString()) as ReleaseTransitionEvent)
    .filter((e) => e.releaseId === releaseId)
    .sort((a, b) => a.sequence - b.sequence);
}

async function settled(releaseId: string, timeoutMs = 60_000): Promise<ReleaseTransitionEvent[]> {
  return expectEventually(
    async () => {
      const seen = await transitions(releaseId);
      expect(['succeeded', 'rolled_back', 'failed', 'blocked', 'superseded'], `${releaseId}: ${seen.map((e) => e.to).join(' → ')}\n${service!.tail()}`).toContain(seen.at(-1)?.to);
      return seen;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

async function liveImage(kc: KubeConfig): Promise<{ image: string | undefined; release: string | undefined }> {
  const d = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'shop', namespace: namespace.name });
  return { image: d.spec?.template.spec?.containers[0]?.image, release: d.spec?.template.metadata?.annotations?.['portcullis.dev/release'] };
}

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-b', 'apps/deploy-orchestrator/tsconfig.lib.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  await expectEventually(
    async () => {
      const report = await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: prefix, logger: silentLogger });
      expect([...report.created, ...report.grown]).toEqual([]);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  namespace = await createTestNamespace(admin, 'deploy-int');
  const rbac = parseAllDocuments(readFileSync(join(REPO_ROOT, 'deploy/rbac/deploy-orchestrator.yaml'), 'utf8'))
    .map((d) => d.toJS() as KubernetesObject)
    .filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding');
  const restricted = await serviceAccountKubeConfig(admin, { namespace: namespace.name, serviceAccount: 'deploy-orchestrator', manifests: rbac });
  const dir = mkdtempSync(join(tmpdir(), 'deploy-int-'));
  writeFileSync(join(dir, 'kubeconfig'), restricted.exportConfig(), { mode: 0o600 });

  createRemoteRepo(git, owner, 'shop');
  work = new WorkTree(git, owner, 'shop');
  service = await startServiceProcess('deploy-orchestrator', {
    ...serviceEnv(stack, prefix, 'deploy-orchestrator-int'),
    KUBECONFIG: join(dir, 'kubeconfig'),
    DEPLOY_API_TOKEN: apiToken,
    DEPLOY_STEP_BUDGET: '3s',
    GIT_HOST_GITHUB_URL: git.url,
    GIT_HOST_GITHUB_USERNAME: git.user,
    GIT_HOST_GITHUB_TOKEN: git.password,
    GIT_HOSTS_ALLOW_HTTP: 'github',
  });
  await publisher.connect();
}, 240_000);

afterAll(async () => {
  if (service && service.child.exitCode === null) await service.stop();
  await publisher.disconnect().catch(() => undefined);
  work?.remove();
  await namespace?.delete();
});

describe('deploy-orchestrator, built and started as a process, on the local control plane', () => {
  let good: string;

  it('deploys a release whose gates all passed, with its image pinned to the scanned digest', async () => {
    good = await release({ '.portcullis.yaml': pipelineFile(), 'deploy/deployment.yaml': deployment() }, imageOf('a'));

    const seen = await settled(good);

    // The audit, build and scan travel on three topics: how often it waits first depends on their order.
    const path = seen.map((e) => `${e.from ?? '∅'}→${e.to}`);
    expect(path.slice(-3)).toEqual(['waiting→approved', 'approved→deploying', 'deploying→succeeded']);
    expect(path.slice(0, -3)).toEqual(['∅→waiting', ...Array<string>(path.length - 4).fill('waiting→waiting')]);
    expect(seen.at(-1)).toMatchObject({ to: 'succeeded', reason: 'RolloutComplete', strategy: 'rolling', images: [imageOf('a')] });
    expect(await liveImage(admin)).toEqual({ image: `${IMAGE.registry}/${IMAGE.repository}@${digest('a')}`, release: good });
  }, 90_000);

  it('rolls back by itself when the new pods never become ready, and does not deploy that release again', async () => {
    const bad = await release({ 'deploy/deployment.yaml': deployment({ neverReady: true }) }, imageOf('b'));

    const seen = await settled(bad);

    expect(seen.at(-1)).toMatchObject({ to: 'rolled_back', reason: 'AutomaticRollback', relatedReleaseId: good });
    expect(seen.at(-1)?.message).toMatch(/ProgressDeadlineExceeded|deadline/i);
    expect(await liveImage(admin)).toEqual({ image: `${IMAGE.registry}/${IMAGE.repository}@${digest('a')}`, release: good });

    // The next sync (here: the same scan result again) does not bring the bad version back.
    await publisher.publish(ScanResults, exampleScanCompleted({ releaseId: bad, repository, image: imageOf('b'), verdict: 'pass', vulnerabilities: [] }));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await transitions(bad)).length).toBe(seen.length);
    expect((await liveImage(admin)).image).toContain(digest('a'));
  }, 90_000);

  it('blocks a release whose manifests break the policy, naming object, field and rule, and explains it on the API', async () => {
    const blocked = await release({ 'deploy/deployment.yaml': deployment({ privileged: true }) }, imageOf('c'));

    const seen = await settled(blocked);

    expect(seen.at(-1)).toMatchObject({ to: 'blocked', reason: 'PolicyViolations' });
    expect(seen.at(-1)?.blocking?.items).toContainEqual({ gate: 'manifest-policy', id: 'privileged', location: `Deployment/${namespace.name}/shop spec.template.spec.containers[0].securityContext.privileged` });
    const answer = await fetch(`http://127.0.0.1:${service!.port}/v1/releases/${encodeURIComponent(blocked)}`, { headers: { authorization: `Bearer ${apiToken}` } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ environments: { staging: { state: 'blocked', reason: 'PolicyViolations', blocking: { policyViolations: 1 } } } });
    expect((await liveImage(admin)).image).toContain(digest('a'));
  }, 90_000);

  it('waits for approval where the environment asks for it, and deploys once approved through the API', async () => {
    const gated = await release({ '.portcullis.yaml': pipelineFile({ approval: true }), 'deploy/deployment.yaml': deployment() }, imageOf('d'));
    await expectEventually(async () => expect((await transitions(gated)).at(-1)).toMatchObject({ to: 'waiting', waitingFor: ['approval'] }), { timeoutMs: 30_000, intervalMs: 500 });

    const approve = await fetch(`http://127.0.0.1:${service!.port}/v1/releases/${encodeURIComponent(gated)}/environments/staging/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'dana' }),
    });
    expect(approve.status).toBe(202);

    const seen = await settled(gated);
    expect(seen.slice(-3).map((e) => `${e.to}:${e.reason}`)).toEqual(['approved:Approved', 'deploying:RolloutStarted', 'succeeded:RolloutComplete']);
    expect(await liveImage(admin)).toEqual({ image: `${IMAGE.registry}/${IMAGE.repository}@${digest('d')}`, release: gated });
    // Nothing the service logged carries the API token or the git password.
    const output = service!.rawOutput.join('\n');
    for (const secret of [apiToken, git.password]) expect(output).not.toContain(secret);
  }, 90_000);
  it('deploys blue-green: the live Service switches to the new slot, and the old slot scales down after the window', async () => {
    const blueGreen = { strategy: 'blue-green', blueGreen: { service: 'shop', scaleDownDelaySeconds: 2 } };
    // The app was rolling so far; blue-green runs beside it under its own Deployment names.
    const first = await release({ '.portcullis.yaml': pipelineFile(blueGreen), 'deploy/deployment.yaml': deployment(), 'deploy/service.yaml': serviceManifest() }, imageOf('e'));
    expect((await settled(first)).at(-1)).toMatchObject({ to: 'succeeded', strategy: 'blue-green' });
    const liveSlot = async () => (await admin.makeApiClient(CoreV1Api).readNamespacedService({ name: 'shop', namespace: namespace.name })).spec?.selector?.['portcullis.dev/slot'];
    const before = await liveSlot();

    const second = await release({ 'deploy/deployment.yaml': deployment() }, imageOf('f'));

    expect((await settled(second)).at(-1)).toMatchObject({ to: 'succeeded', reason: 'RolloutComplete' });
    const after = await liveSlot();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const apps = admin.makeApiClient(AppsV1Api);
    const live = await apps.readNamespacedDeployment({ name: `shop-${after}`, namespace: namespace.name });
    expect(live.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE.registry}/${IMAGE.repository}@${digest('f')}`);
    // After scaleDownDelaySeconds the orchestrator comes back (a re-delivered event) and scales the old slot to 0.
    await expectEventually(async () => expect((await apps.readNamespacedDeployment({ name: `shop-${before}`, namespace: namespace.name })).spec?.replicas).toBe(0), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
  }, 150_000);
});
