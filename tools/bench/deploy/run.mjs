#!/usr/bin/env node
// Deploy orchestrator benchmark: N apps released concurrently through --instances
// apps/deploy-orchestrator processes on the local control plane (kwok nodes), against the
// cluster's own rollout time for the same Deployments applied directly, in the same run; then
// blue-green switch latency and time from rollout failure to traffic restored.
//   npx tsc -b apps/deploy-orchestrator/tsconfig.lib.json
//   set -a; . .stack/env; set +a
//   node tools/bench/deploy/run.mjs [--apps 50] [--instances 2] [--repeats 1] [--json]
// Kafka through @portcullis/messaging (topics, publisher; a plain kafkajs consumer of
// deploy.events), repositories and processes through @portcullis/testing's built dist, the
// cluster with @kubernetes/client-node, release records through @portcullis/state.
import { CoreV1Api, KubernetesObjectApi, PatchStrategy, Watch } from '@kubernetes/client-node';
import {
  allTopicSpecs,
  AuditResults,
  DeployEvents,
  exampleAuditCompleted,
  exampleRegistryBuildAnnounced,
  exampleScanCompleted,
  RegistryEvents,
  ScanResults,
} from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, EventPublisher, silentLogger } from '@portcullis/messaging';
import { createRemoteRepo, startServiceProcess, WorkTree } from '@portcullis/testing';
import { adminKubeConfig, createTestNamespace } from '@portcullis/testing/kube';
import { createRedisClient, RedisRecordStore } from '@portcullis/state';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fmt, machineInfo, markdownTable, median, progressLog, retrying as retryingWith, sleep, stats } from '../bench-lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const MAIN = join(ROOT, 'apps/deploy-orchestrator/dist/main.js');

const HELP = `Deploy orchestrator benchmark (apps/deploy-orchestrator vs the cluster's own rollout time, same run).

Usage: node tools/bench/deploy/run.mjs [options]
  (build first: npx tsc -b apps/deploy-orchestrator/tsconfig.lib.json;
   needs the local stack: tools/stack/stack up; set -a; . .stack/env; set +a
   -> KAFKA_BROKERS, REDIS_URL, GIT_HTTP_URL/USER/PASSWORD/ROOT, KUBECONFIG)

Options:
  --apps N             apps released concurrently, baseline and orchestrator (default 50)
  --instances I        orchestrator processes in one consumer group (default 2)
  --repeats R          baseline + orchestrator rounds, fresh namespaces and repositories each (default 1)
  --bg-apps M          blue-green apps released twice, the second release switches (default 5; 0 = skip)
  --fail-apps K        rolling apps: a good release, then one whose pods never become ready (default 5; 0 = skip)
  --fail-deadline S    progressDeadlineSeconds of the failing release (default 5)
  --scale-down-delay S blueGreen.scaleDownDelaySeconds (default 1)
  --step-budget D      DEPLOY_STEP_BUDGET of the orchestrators (default: the service's default)
  --timeout S          seconds to wait for one phase to settle (default 300)
  --keep               keep namespaces, topics, Redis keys and repositories (for inspection)
  --json               print only the JSON summary on stdout (default: tables on stderr, JSON on stdout)
  --out FILE           also write the JSON summary to FILE
  -h, --help           this text

Measured, per app (ms):
  baseline        server-side apply of the Deployment (2 replicas, the spec the orchestrator deploys:
                  image pinned by digest, its labels and annotations) straight to a fresh namespace,
                  all N at once -> rollout complete (observedGeneration current, updated = ready =
                  available = replicas), seen on a watch of the namespace's Deployments.
  total           "approved" transition observedAt -> "succeeded" observedAt (deploy.events).
  cluster part    progress.applyStartedAt (first write) -> progress.readyAt (or completedAt) from the
                  release record: the same span the baseline measures.
  own share       total - cluster part (absolute and as a share of total).  target median <= 10 %
  gates->approved last gate input published -> "approved" observedAt (the gate join; not in total).
  own share       also Σ own / Σ total over all apps                target <= 10 %
  overhead        1 - median(baseline) / median(total)             target <= 10 %, judged only when
                  the orchestrator had >= 80 % of the baseline's peak concurrent rollouts (else
                  "not comparable": the baseline is the cluster's time under N rollouts at once)
  switch          blue-green second release: switchedAt - switchDecidedAt, and switchedAt - readyAt
                                                                   target p95 <= 1000 ms
  restore         rolling release that never gets ready: restoredAt - failedAt, and the
                  "rolled_back" observedAt - failedAt              target p95 <= 1000 ms
Each phase's namespace is deleted (and its pods awaited) before the next: the kwok node takes
110 pods, one phase of --apps 50 uses 100. The run fails up front when the cluster has too few free pods.
Cleans up namespaces, processes, topics, consumer groups, Redis keys and repositories, also on failure.`;

const { values: args } = parseArgs({
  options: {
    apps: { type: 'string', default: '50' },
    instances: { type: 'string', default: '2' },
    repeats: { type: 'string', default: '1' },
    'bg-apps': { type: 'string', default: '5' },
    'fail-apps': { type: 'string', default: '5' },
    'fail-deadline': { type: 'string', default: '5' },
    'scale-down-delay': { type: 'string', default: '1' },
    'step-budget': { type: 'string' },
    timeout: { type: 'string', default: '300' },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const APPS = Number(args.apps);
const INSTANCES = Number(args.instances);
const REPEATS = Number(args.repeats);
const BG_APPS = Number(args['bg-apps']);
const FAIL_APPS = Number(args['fail-apps']);
const FAIL_DEADLINE_S = Number(args['fail-deadline']);
const SCALE_DOWN_DELAY_S = Number(args['scale-down-delay']);
const TIMEOUT_MS = Number(args.timeout) * 1000;
for (const [name, v] of Object.entries({ APPS, INSTANCES, REPEATS, BG_APPS, FAIL_APPS, FAIL_DEADLINE_S, SCALE_DOWN_DELAY_S, TIMEOUT_MS })) {
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name.toLowerCase()} must be a non-negative integer`);
}
if (APPS < 1 || INSTANCES < 1 || REPEATS < 1) throw new Error('--apps, --instances and --repeats must be at least 1');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} not set: run tools/stack/stack up and set -a; . .stack/env; set +a`);
  return v;
};
const BROKERS = env('KAFKA_BROKERS').split(',').filter(Boolean);
const REDIS_URL = env('REDIS_URL');
const GIT = { url: env('GIT_HTTP_URL'), user: env('GIT_HTTP_USER'), password: env('GIT_HTTP_PASSWORD'), root: env('GIT_HTTP_ROOT') };
const KUBECONFIG = resolve(env('KUBECONFIG'));

const RUN_ID = `bench-deploy-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const PREFIX = `${RUN_ID}-`;
const ENVIRONMENT = 'staging';
const REGISTRY = 'registry.example.com';
const SETTLED = new Set(['succeeded', 'rolled_back', 'failed', 'blocked', 'superseded']);
const ZERO_COUNTS = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };

const progress = progressLog('deploy-bench');
const retrying = (what, fn, ms = 60_000) => retryingWith(what, fn, { ms, log: progress });
const digestOf = (seed) => `sha256:${Buffer.from(seed).toString('hex').padEnd(64, '0').slice(0, 64)}`;
const randomDigest = () => `sha256:${randomBytes(32).toString('hex')}`;

// ---------------------------------------------------------------- statistics

/** Most intervals [start, end] open at one instant. */
function peakOverlap(intervals) {
  const edges = intervals.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)).flatMap(([a, b]) => [[a, 1], [b, -1]]);
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let open = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (open += d));
  return peak;
}

// ---------------------------------------------------------------- manifests and repositories

/** The Deployment a repository carries (passes the default strict manifest policy). */
function deployment(app, imageRepo, { neverReady = false } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app, ...(neverReady ? { 'portcullis.dev/kwok-never-ready': 'true' } : {}) } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 10001 },
          containers: [
            {
              name: app,
              image: `${REGISTRY}/${imageRepo}:main`,
              resources: { limits: { cpu: '200m', memory: '128Mi' } },
              securityContext: { allowPrivilegeEscalation: false },
            },
          ],
        },
      },
    },
  };
}

/** The same Deployment as the orchestrator applies it: image pinned, its labels and annotations. */
function baselineDeployment(app, imageRepo, namespace, digest) {
  const d = deployment(app, imageRepo);
  const marks = { 'app.kubernetes.io/managed-by': 'portcullis', 'portcullis.dev/app': app };
  const notes = { 'portcullis.dev/release': `baseline/${app}`, 'portcullis.dev/fence': '1' };
  d.metadata = { name: app, namespace, labels: marks, annotations: notes };
  d.spec.template.metadata.labels = { ...d.spec.template.metadata.labels, ...marks };
  d.spec.template.metadata.annotations = { 'portcullis.dev/release': `baseline/${app}` };
  d.spec.template.spec.containers[0].image = `${REGISTRY}/${imageRepo}@${digest}`;
  return d;
}

function liveService(app) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: app }, spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
}

function pipelineFile(app, imageRepo, namespace, environment) {
  return `${JSON.stringify({ deploy: { app, images: [`${REGISTRY}/${imageRepo}`], manifests: { path: 'deploy' }, environments: [{ name: ENVIRONMENT, namespace, ...environment }] } }, null, 2)}\n`;
}

const owners = new Set();
const worktrees = [];

/** One repository per app on the stack's git server. */
function createApp(owner, app) {
  owners.add(owner);
  createRemoteRepo(GIT, owner, app);
  const work = new WorkTree(GIT, owner, app);
  worktrees.push(work);
  return { owner, app, imageRepo: `${owner}/${app}`, work, repository: { provider: 'github', owner, name: app } };
}

/** Commits and pushes the files; returns the release (id, sha, image) whose inputs are still to be published. */
function commitRelease(a, files, digest) {
  for (const [path, content] of Object.entries(files)) a.work.write(path, content);
  const sha = a.work.commit(`release ${digest.slice(7, 15)}`);
  a.work.push('main');
  return { app: a, sha, releaseId: `github/${a.owner}/${a.app}@${sha}`, image: { registry: REGISTRY, repository: a.imageRepo, tag: 'main', digest } };
}

// ---------------------------------------------------------------- Kafka

let kafka;
let publisher;
let consumer;
/** releaseId -> transitions (release.transition events), in arrival order. */
const transitions = new Map();
const settledWaiters = new Set();

async function startKafka() {
  kafka = createKafkaClient({ brokers: BROKERS, clientId: 'deploy-bench', topicPrefix: PREFIX }, silentLogger);
  await retrying('ensureTopics', async () => {
    const report = await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: PREFIX, logger: silentLogger });
    if (report.created.length + report.grown.length > 0) throw new Error(`created ${report.created.length} topics, checking again`);
  });
  publisher = new EventPublisher(kafka, { source: '/portcullis/bench/deploy', topicPrefix: PREFIX, logger: silentLogger });
  await publisher.connect();
  consumer = kafka.consumer({ groupId: `${PREFIX}bench-watch` });
  await consumer.connect();
  await consumer.subscribe({ topic: `${PREFIX}${DeployEvents.name}`, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      let event;
      try {
        event = JSON.parse(message.value.toString('utf8'));
      } catch {
        return;
      }
      if (event?.kind !== 'release.transition') return;
      const list = transitions.get(event.releaseId) ?? [];
      list.push({ ...event, receivedAt: Date.now() });
      transitions.set(event.releaseId, list);
      for (const w of settledWaiters) w();
    },
  });
}

const lastOf = (releaseId) => {
  const list = transitions.get(releaseId) ?? [];
  return list.reduce((a, e) => (a === undefined || e.sequence > a.sequence ? e : a), undefined);
};

/** Resolves once every release's latest transition is a settled state (or the timeout passes). */
function awaitSettled(releaseIds, what) {
  return new Promise((resolvePromise) => {
    let lastReport = 0;
    const check = () => {
      const open = releaseIds.filter((id) => !SETTLED.has(lastOf(id)?.to));
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        const states = {};
        for (const id of releaseIds) states[lastOf(id)?.to ?? 'none'] = (states[lastOf(id)?.to ?? 'none'] ?? 0) + 1;
        progress(`  ${what}: ${JSON.stringify(states)}`);
      }
      if (open.length === 0) finish(false);
    };
    const timer = setTimeout(() => finish(true), TIMEOUT_MS);
    const tick = setInterval(check, 1_000);
    const finish = (timedOut) => {
      clearTimeout(timer);
      clearInterval(tick);
      settledWaiters.delete(check);
      if (timedOut) progress(`  ${what}: timed out after ${TIMEOUT_MS / 1000} s`);
      resolvePromise(!timedOut);
    };
    settledWaiters.add(check);
    check();
  });
}

/** What the other services would send for a release: a passing audit, the build, a passing scan. */
async function publishInputs(r) {
  const { repository } = r.app;
  await publisher.publish(
    AuditResults,
    exampleAuditCompleted({ releaseId: r.releaseId, repository, range: { before: '0'.repeat(40), after: r.sha }, verdict: 'pass', findings: [], counts: ZERO_COUNTS }),
  );
  await publisher.publish(RegistryEvents, exampleRegistryBuildAnnounced({ repository, commit: r.sha, image: r.image }));
  await publisher.publish(ScanResults, exampleScanCompleted({ releaseId: r.releaseId, repository, image: r.image, verdict: 'pass', vulnerabilities: [], counts: ZERO_COUNTS }));
  r.inputsPublishedAt = Date.now();
}

// ---------------------------------------------------------------- Redis

let redis;
let releaseRecords;
/**
 * The environment's rollout progress from the release record. The orchestrator publishes a
 * transition before it persists the record, so this waits (up to 10 s) until the record has
 * caught up with the last transition seen on deploy.events.
 */
async function releaseProgress(releaseId) {
  const want = lastOf(releaseId)?.sequence ?? 0;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const env = (await releaseRecords.get(releaseId))?.environments?.[ENVIRONMENT];
    if ((env && env.sequence >= want) || Date.now() > deadline) {
      if (!env || env.sequence < want) progress(`  ${releaseId}: release record at sequence ${env?.sequence ?? 'none'}, deploy.events at ${want}`);
      return env?.progress;
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------- cluster

let kc;
const namespaces = [];
async function namespace(label) {
  const ns = await createTestNamespace(kc, `${label}`);
  namespaces.push(ns);
  return ns.name;
}

/**
 * Deletes a phase's namespace and waits until its pods are gone: the kwok node has a pod capacity
 * (110 by default), and the next phase must not queue behind this one's pods.
 */
async function dropNamespace(name) {
  if (args.keep) return;
  const ns = namespaces.find((n) => n.name === name);
  if (!ns) return;
  await ns.delete();
  namespaces.splice(namespaces.indexOf(ns), 1);
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + 180_000;
  for (;;) {
    let left = 0;
    try {
      left = (await core.listNamespacedPod({ namespace: name })).items.length;
    } catch {
      left = 0;
    }
    if (left === 0) return;
    if (Date.now() > deadline) {
      progress(`  namespace ${name}: ${left} pods still there after 180 s; going on`);
      return;
    }
    await sleep(500);
  }
}

/** Pods the Ready nodes can still take (allocatable pods minus pods not yet finished). */
async function podHeadroom() {
  const core = kc.makeApiClient(CoreV1Api);
  const nodes = (await core.listNode()).items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !n.spec?.unschedulable);
  const capacity = nodes.reduce((sum, n) => sum + Number(n.status?.allocatable?.pods ?? 0), 0);
  const pods = (await core.listPodForAllNamespaces()).items.filter((p) => p.spec?.nodeName && !['Succeeded', 'Failed'].includes(p.status?.phase ?? '')).length;
  return { nodes: nodes.length, capacity, used: pods, free: capacity - pods };
}

function rolloutComplete(d) {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
    (s.updatedReplicas ?? 0) === want &&
    (s.readyReplicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want
  );
}

/** Applies every app's Deployment at once, straight to a fresh namespace; per app apply -> complete (ms). */
async function baseline(round) {
  const ns = await namespace(`bench-deploy-base-r${round}`);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const names = Array.from({ length: APPS }, (_, i) => `app-${i}`);
  const started = new Map();
  const done = new Map();
  let resolveAll;
  const allDone = new Promise((r) => (resolveAll = r));
  const onEvent = (type, d) => {
    const name = d?.metadata?.name;
    if (!name || !started.has(name) || done.has(name)) return;
    if (type !== 'DELETED' && rolloutComplete(d)) {
      done.set(name, Date.now());
      if (done.size === names.length) resolveAll();
    }
  };
  const watch = new Watch(kc);
  let request;
  const startWatch = async () => {
    request = await watch.watch(`/apis/apps/v1/namespaces/${ns}/deployments`, { allowWatchBookmarks: false }, onEvent, (err) => {
      if (done.size < names.length && !stopped) {
        if (err) progress(`  baseline watch ended (${err.message ?? err}); restarting`);
        startWatch().catch((e) => progress(`  baseline watch restart failed: ${e.message}`));
      }
    });
  };
  let stopped = false;
  await startWatch();
  progress(`baseline round ${round + 1}: applying ${APPS} Deployments to ${ns}`);
  const t0 = Date.now();
  await Promise.all(
    names.map(async (name, i) => {
      started.set(name, Date.now());
      await objects.patch(baselineDeployment(name, `baseline/${name}`, ns, digestOf(`${round}-${i}`)), undefined, undefined, 'portcullis-bench', true, PatchStrategy.ServerSideApply);
    }),
  );
  progress(`  applied in ${Date.now() - t0} ms; waiting for rollouts`);
  const timedOut = await Promise.race([allDone.then(() => false), sleep(TIMEOUT_MS).then(() => true)]);
  stopped = true;
  request?.abort?.();
  if (timedOut) progress(`  baseline: ${names.length - done.size} rollouts not complete after ${TIMEOUT_MS / 1000} s`);
  const perApp = names.filter((n) => done.has(n)).map((n) => done.get(n) - started.get(n));
  const peakConcurrent = peakOverlap(names.map((n) => [started.get(n), done.get(n)]));
  progress(`  baseline: ${perApp.length}/${APPS} complete, median ${median(perApp)} ms, wall ${Date.now() - t0} ms`);
  return { namespace: ns, perApp, incomplete: names.length - done.size, wallMs: Date.now() - t0, peakConcurrent };
}

// ---------------------------------------------------------------- orchestrator processes

const services = [];
let mirrorRoot;
async function startOrchestrators() {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: build first (npx tsc -b apps/deploy-orchestrator/tsconfig.lib.json)`);
  mirrorRoot = mkdtempSync(join(tmpdir(), 'deploy-bench-mirrors-'));
  for (let i = 0; i < INSTANCES; i += 1) {
    const service = await startServiceProcess('deploy-orchestrator', {
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: PREFIX,
      REDIS_URL,
      REDIS_KEY_PREFIX: PREFIX,
      PORT: '0',
      HOST: '127.0.0.1',
      SERVICE_INSTANCE_ID: `${RUN_ID}-${i}`,
      KUBECONFIG,
      GIT_HOST_GITHUB_URL: GIT.url,
      GIT_HOST_GITHUB_USERNAME: GIT.user,
      GIT_HOST_GITHUB_TOKEN: GIT.password,
      GIT_HOSTS_ALLOW_HTTP: 'github',
      DEPLOY_MIRROR_DIR: join(mirrorRoot, String(i)),
      DEPLOY_RELEASE_TTL: '1h',
      ...(args['step-budget'] ? { DEPLOY_STEP_BUDGET: args['step-budget'] } : {}),
    });
    services.push(service);
    progress(`orchestrator ${i} started (port ${service.port}, pid ${service.child.pid})`);
  }
}

/** Warnings and errors the orchestrators logged, counted by level, message and error code. */
function serviceLogSummary() {
  const counts = new Map();
  const delays = {};
  const levelOf = (l) => (typeof l.level === 'number' ? ({ 40: 'warn', 50: 'error', 60: 'fatal' }[l.level] ?? null) : ['warn', 'error', 'fatal'].includes(l.level) ? l.level : null);
  for (const s of services) {
    for (const l of s.lines) {
      const level = levelOf(l);
      const text = JSON.stringify(l);
      const code = l.code ?? l.err?.code ?? l.error?.code ?? text.match(/"code":"([A-Z_]+)"/)?.[1];
      if (!level && !text.includes('LOCK_BUSY')) continue;
      const key = `${level ?? 'info'} | ${String(l.msg).slice(0, 120)}${code ? ` | ${code}` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (l.msg === 'event scheduled for retry' && typeof l.delayMs === 'number') (delays[code ?? 'unknown'] ??= []).push(l.delayMs);
    }
  }
  return {
    counts: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).slice(0, 30)),
    retryDelayMsByCode: Object.fromEntries(Object.entries(delays).map(([c, xs]) => [c, stats(xs)])),
  };
}

// ---------------------------------------------------------------- phases

const at = (r, to) => {
  const e = (transitions.get(r.releaseId) ?? []).filter((t) => t.to === to).sort((a, b) => a.sequence - b.sequence).at(-1);
  return e ? Date.parse(e.observedAt) : undefined;
};
const path = (r) => (transitions.get(r.releaseId) ?? []).sort((a, b) => a.sequence - b.sequence).map((e) => e.to).join('→');

async function orchestrated(round) {
  const ns = await namespace(`bench-deploy-orch-r${round}`);
  const owner = `${RUN_ID}-r${round}`;
  progress(`orchestrator round ${round + 1}: ${APPS} repositories under ${owner}, target namespace ${ns}`);
  const releases = [];
  for (let i = 0; i < APPS; i += 1) {
    const a = createApp(owner, `app-${i}`);
    releases.push(
      commitRelease(
        a,
        { '.portcullis.yaml': pipelineFile(a.app, a.imageRepo, ns, { strategy: 'rolling' }), 'deploy/deployment.yaml': `${JSON.stringify(deployment(a.app, a.imageRepo), null, 2)}\n` },
        randomDigest(),
      ),
    );
  }
  progress(`  pushed; publishing audit, build and scan for every app at once`);
  const t0 = Date.now();
  await Promise.all(releases.map(publishInputs));
  await awaitSettled(
    releases.map((r) => r.releaseId),
    'orchestrated rollouts',
  );
  const wallMs = Date.now() - t0;
  const perApp = [];
  const intervals = [];
  for (const r of releases) {
    const p = await releaseProgress(r.releaseId);
    intervals.push([p?.applyStartedAt ?? p?.appliedAt, p?.readyAt ?? p?.completedAt]);
    const approved = at(r, 'approved');
    const succeeded = at(r, 'succeeded');
    const clusterEnd = p?.readyAt ?? p?.completedAt;
    const total = approved !== undefined && succeeded !== undefined ? succeeded - approved : undefined;
    // The cluster's part starts with the first write, as the baseline's does (apply → complete).
    const clusterStart = p?.applyStartedAt ?? p?.appliedAt;
    const cluster = clusterStart !== undefined && clusterEnd !== undefined ? clusterEnd - clusterStart : undefined;
    perApp.push({
      app: r.app.app,
      path: path(r),
      gatesToApprovedMs: approved !== undefined ? approved - r.inputsPublishedAt : undefined,
      totalMs: total,
      clusterMs: cluster,
      ownMs: total !== undefined && cluster !== undefined ? total - cluster : undefined,
      approvedToApplyMs: approved !== undefined && clusterStart !== undefined ? clusterStart - approved : undefined,
      approvedToDeployingMs: approved !== undefined && at(r, 'deploying') !== undefined ? at(r, 'deploying') - approved : undefined,
      deployingToApplyMs: at(r, 'deploying') !== undefined && p?.applyStartedAt !== undefined ? p.applyStartedAt - at(r, 'deploying') : undefined,
      applyCallsMs: p?.applyStartedAt !== undefined && p?.appliedAt !== undefined ? p.appliedAt - p.applyStartedAt : undefined,
      readyToSucceededMs: succeeded !== undefined && clusterEnd !== undefined ? succeeded - clusterEnd : undefined,
    });
  }
  const failed = perApp.filter((x) => x.totalMs === undefined);
  for (const f of failed.slice(0, 5)) progress(`  ${f.app} did not succeed: ${f.path || 'no transitions'}`);
  progress(`  orchestrated: ${perApp.length - failed.length}/${APPS} succeeded, median total ${median(perApp.map((x) => x.totalMs).filter(Number.isFinite))} ms, wall ${wallMs} ms`);
  const applied = intervals.map(([a]) => a).filter(Number.isFinite);
  const peakConcurrent = peakOverlap(intervals);
  const applySpreadMs = applied.length > 0 ? Math.max(...applied) - Math.min(...applied) : null;
  progress(`  applies spread over ${applySpreadMs} ms, at most ${peakConcurrent} rollouts at once`);
  return { namespace: ns, perApp, notSucceeded: failed.length, wallMs, peakConcurrent, applySpreadMs };
}

async function blueGreen() {
  const ns = await namespace('bench-deploy-bg');
  const owner = `${RUN_ID}-bg`;
  const apps = Array.from({ length: BG_APPS }, (_, i) => createApp(owner, `bg-${i}`));
  const files = (a) => ({
    '.portcullis.yaml': pipelineFile(a.app, a.imageRepo, ns, { strategy: 'blue-green', blueGreen: { service: a.app, scaleDownDelaySeconds: SCALE_DOWN_DELAY_S } }),
    'deploy/deployment.yaml': `${JSON.stringify(deployment(a.app, a.imageRepo), null, 2)}\n`,
    'deploy/service.yaml': `${JSON.stringify(liveService(a.app), null, 2)}\n`,
  });
  progress(`blue-green: ${BG_APPS} apps in ${ns}, first release`);
  const first = apps.map((a) => commitRelease(a, files(a), randomDigest()));
  await Promise.all(first.map(publishInputs));
  await awaitSettled(
    first.map((r) => r.releaseId),
    'blue-green first release',
  );
  progress('blue-green: second release (switches)');
  const second = apps.map((a) => commitRelease(a, {}, randomDigest()));
  await Promise.all(second.map(publishInputs));
  await awaitSettled(
    second.map((r) => r.releaseId),
    'blue-green second release',
  );
  const perApp = [];
  for (const r of second) {
    const p = await releaseProgress(r.releaseId);
    perApp.push({
      app: r.app.app,
      path: path(r),
      slot: p?.slot,
      previousSlot: p?.previousSlot,
      switchMs: p?.switchedAt !== undefined && p?.switchDecidedAt !== undefined ? p.switchedAt - p.switchDecidedAt : undefined,
      readyToSwitchedMs: p?.switchedAt !== undefined && p?.readyAt !== undefined ? p.switchedAt - p.readyAt : undefined,
      clusterMs: p?.readyAt !== undefined && p?.appliedAt !== undefined ? p.readyAt - p.appliedAt : undefined,
      totalMs: at(r, 'succeeded') !== undefined && at(r, 'approved') !== undefined ? at(r, 'succeeded') - at(r, 'approved') : undefined,
    });
  }
  for (const x of perApp.filter((y) => y.switchMs === undefined)) progress(`  ${x.app}: no switch recorded (${x.path})`);
  return { namespace: ns, perApp };
}

async function failures() {
  const ns = await namespace('bench-deploy-fail');
  const owner = `${RUN_ID}-fail`;
  const apps = Array.from({ length: FAIL_APPS }, (_, i) => createApp(owner, `fail-${i}`));
  progress(`rollout failure: ${FAIL_APPS} apps in ${ns}, good release`);
  const good = apps.map((a) =>
    commitRelease(
      a,
      { '.portcullis.yaml': pipelineFile(a.app, a.imageRepo, ns, { strategy: 'rolling', progressDeadlineSeconds: FAIL_DEADLINE_S }), 'deploy/deployment.yaml': `${JSON.stringify(deployment(a.app, a.imageRepo), null, 2)}\n` },
      randomDigest(),
    ),
  );
  await Promise.all(good.map(publishInputs));
  await awaitSettled(
    good.map((r) => r.releaseId),
    'good release',
  );
  progress(`rollout failure: release whose pods never become ready (progressDeadlineSeconds ${FAIL_DEADLINE_S})`);
  const bad = apps.map((a) => commitRelease(a, { 'deploy/deployment.yaml': `${JSON.stringify(deployment(a.app, a.imageRepo, { neverReady: true }), null, 2)}\n` }, randomDigest()));
  await Promise.all(bad.map(publishInputs));
  await awaitSettled(
    bad.map((r) => r.releaseId),
    'failing release',
  );
  const perApp = [];
  for (const r of bad) {
    const p = await releaseProgress(r.releaseId);
    const rolledBack = at(r, 'rolled_back');
    perApp.push({
      app: r.app.app,
      path: path(r),
      failureReason: p?.failureReason,
      restoreMs: p?.restoredAt !== undefined && p?.failedAt !== undefined ? p.restoredAt - p.failedAt : undefined,
      failedToRolledBackEventMs: rolledBack !== undefined && p?.failedAt !== undefined ? rolledBack - p.failedAt : undefined,
      appliedToFailedMs: p?.failedAt !== undefined && p?.appliedAt !== undefined ? p.failedAt - p.appliedAt : undefined,
    });
  }
  for (const x of perApp.filter((y) => y.restoreMs === undefined)) progress(`  ${x.app}: no restore recorded (${x.path})`);
  return { namespace: ns, perApp };
}

// ---------------------------------------------------------------- cleanup

let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const s of services) {
    if (s.child.exitCode === null && s.child.signalCode === null) await Promise.race([s.stop(), sleep(20_000).then(() => s.child.kill('SIGKILL'))]).catch(() => undefined);
  }
  await consumer?.disconnect().catch(() => undefined);
  await publisher?.disconnect().catch(() => undefined);
  if (args.keep) {
    progress(`--keep: left namespaces ${namespaces.map((n) => n.name).join(' ')}, prefix ${PREFIX}, owners ${[...owners].join(' ')}`);
    redis?.disconnect();
    return;
  }
  for (const ns of namespaces) await ns.delete().catch((e) => progress(`  deleting namespace ${ns.name}: ${e.message}`));
  progress(`deleted ${namespaces.length} namespaces`);
  if (kafka) {
    await retrying(
      'topic cleanup',
      async () => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          const topics = (await admin.listTopics()).filter((t) => t.startsWith(PREFIX));
          if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
          const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(PREFIX));
          if (groups.length > 0) await admin.deleteGroups(groups);
          progress(`deleted ${topics.length} topics and ${groups.length} groups with prefix ${PREFIX}`);
        } finally {
          await admin.disconnect();
        }
      },
      120_000,
    ).catch((e) => progress(`topic cleanup failed: ${e.message}`));
  }
  // Release records and index entries expire on their own: the orchestrators run with DEPLOY_RELEASE_TTL=1h.
  if (redis) await redis.close();
  for (const w of worktrees) w.remove();
  for (const o of owners) rmSync(join(GIT.root, o), { recursive: true, force: true });
  if (mirrorRoot) rmSync(mirrorRoot, { recursive: true, force: true });
  progress(`removed ${owners.size} repository owners and ${worktrees.length} work trees`);
}

// ---------------------------------------------------------------- report

const machine = () => machineInfo(ROOT, { kafkajs: 'kafkajs', clientNode: '@kubernetes/client-node' });

function table(rows) {
  const head = ['metric (ms)', 'n', 'median', 'p95', 'min', 'max'];
  return markdownTable(head, rows.map(([name, s]) => [name, String(s.n), fmt(s.median), fmt(s.p95), fmt(s.min), fmt(s.max)]));
}

// ---------------------------------------------------------------- main

async function main() {
  const info = machine();
  progress(`run ${RUN_ID}: ${APPS} apps × ${REPEATS} round(s), ${INSTANCES} orchestrator instance(s), ${BG_APPS} blue-green, ${FAIL_APPS} failing`);
  kc = adminKubeConfig();
  const headroom = await podHeadroom();
  const needed = Math.max(2 * APPS, 4 * BG_APPS, 3 * FAIL_APPS);
  progress(`cluster: ${headroom.nodes} Ready node(s), ${headroom.capacity} pods allocatable, ${headroom.used} in use; one phase needs up to ${needed}`);
  if (headroom.free < needed) throw new Error(`the cluster can take ${headroom.free} more pods, a phase needs ${needed}: lower --apps or add kwok nodes`);
  info.pods = headroom;
  redis = createRedisClient({ url: REDIS_URL, keyPrefix: PREFIX, clientName: 'deploy-bench' });
  releaseRecords = new RedisRecordStore(redis, { namespace: 'deploy-release', maxBytes: 128 * 1024 });
  await startKafka();
  await startOrchestrators();

  const rounds = [];
  for (let round = 0; round < REPEATS; round += 1) {
    const base = await baseline(round);
    await dropNamespace(base.namespace);
    const orch = await orchestrated(round);
    await dropNamespace(orch.namespace);
    rounds.push({ baseline: base, orchestrator: orch });
  }
  const bg = BG_APPS > 0 ? await blueGreen() : null;
  if (bg) await dropNamespace(bg.namespace);
  const fail = FAIL_APPS > 0 ? await failures() : null;
  if (fail) await dropNamespace(fail.namespace);

  const all = (f) => rounds.flatMap((r) => r.orchestrator.perApp.map(f));
  const baseAll = rounds.flatMap((r) => r.baseline.perApp);
  const s = {
    baseline: stats(baseAll),
    total: stats(all((x) => x.totalMs)),
    cluster: stats(all((x) => x.clusterMs)),
    own: stats(all((x) => x.ownMs)),
    ownShare: stats(all((x) => (x.ownMs !== undefined && x.totalMs ? (100 * x.ownMs) / x.totalMs : undefined))),
    approvedToApply: stats(all((x) => x.approvedToApplyMs)),
    approvedToDeploying: stats(all((x) => x.approvedToDeployingMs)),
    deployingToApply: stats(all((x) => x.deployingToApplyMs)),
    applyCalls: stats(all((x) => x.applyCallsMs)),
    readyToSucceeded: stats(all((x) => x.readyToSucceededMs)),
    gatesToApproved: stats(all((x) => x.gatesToApprovedMs)),
    switch: stats(bg?.perApp.map((x) => x.switchMs) ?? []),
    readyToSwitched: stats(bg?.perApp.map((x) => x.readyToSwitchedMs) ?? []),
    restore: stats(fail?.perApp.map((x) => x.restoreMs) ?? []),
    failedToRolledBackEvent: stats(fail?.perApp.map((x) => x.failedToRolledBackEventMs) ?? []),
  };
  const overhead = s.baseline.median !== null && s.total.median ? 1 - s.baseline.median / s.total.median : null;
  const sum = (xs) => xs.filter(Number.isFinite).reduce((a, b) => a + b, 0);
  const withBoth = all((x) => x).filter((x) => Number.isFinite(x.ownMs) && Number.isFinite(x.totalMs));
  const ownOfAll = withBoth.length > 0 ? sum(withBoth.map((x) => x.ownMs)) / sum(withBoth.map((x) => x.totalMs)) : null;
  const basePeak = Math.min(...rounds.map((r) => r.baseline.peakConcurrent));
  const orchPeak = Math.min(...rounds.map((r) => r.orchestrator.peakConcurrent));
  // The baseline's time is the cluster's under N concurrent rollouts; the ratio says something only
  // when the orchestrator also had about as many rollouts at once.
  const comparable = orchPeak >= 0.8 * basePeak;
  const notSucceeded = rounds.reduce((n, r) => n + r.orchestrator.notSucceeded, 0);
  const targets = [
    {
      target: 'orchestrator overhead ≤ 10 % of total deploy time, vs the baseline (1 − median baseline / median total)',
      value: overhead === null ? null : `${(100 * overhead).toFixed(1)} % (peak concurrent rollouts: baseline ${basePeak}, orchestrator ${orchPeak})`,
      met: comparable ? overhead !== null && overhead <= 0.1 && notSucceeded === 0 : 'not comparable',
    },
    { target: "orchestrator's own share ≤ 10 % per app (median of (total − cluster part) / total)", value: s.ownShare.median === null ? null : `${s.ownShare.median.toFixed(1)} %`, met: s.ownShare.median !== null && s.ownShare.median <= 10 && notSucceeded === 0 },
    { target: "orchestrator's own share ≤ 10 % of all apps' deploy time (Σ own / Σ total)", value: ownOfAll === null ? null : `${(100 * ownOfAll).toFixed(1)} %`, met: ownOfAll !== null && ownOfAll <= 0.1 && notSucceeded === 0 },
    { target: 'switch ≤ 1 s after the decision (p95 switchedAt − switchDecidedAt)', value: s.switch.p95 === null ? null : `${s.switch.p95} ms`, met: s.switch.p95 !== null && s.switch.p95 <= 1000 },
    { target: 'switch-back / traffic restored ≤ 1 s after the failure (p95 restoredAt − failedAt)', value: s.restore.p95 === null ? null : `${s.restore.p95} ms`, met: s.restore.p95 !== null && s.restore.p95 <= 1000 },
  ];
  const summary = {
    runId: RUN_ID,
    options: { apps: APPS, instances: INSTANCES, repeats: REPEATS, bgApps: BG_APPS, failApps: FAIL_APPS, failDeadlineS: FAIL_DEADLINE_S, scaleDownDelayS: SCALE_DOWN_DELAY_S, stepBudget: args['step-budget'] ?? 'default', timeoutS: TIMEOUT_MS / 1000 },
    machine: { ...info, loadavgEnd: loadavg().map((x) => x.toFixed(2)).join(' ') },
    stats: s,
    overhead,
    overheadComparable: comparable,
    ownShareOfAll: ownOfAll,
    peakConcurrentRollouts: { baseline: basePeak, orchestrator: orchPeak },
    notSucceeded,
    targets,
    rounds: rounds.map((r) => ({ baseline: { namespace: r.baseline.namespace, wallMs: r.baseline.wallMs, incomplete: r.baseline.incomplete, perAppMs: r.baseline.perApp }, orchestrator: r.orchestrator })),
    blueGreen: bg,
    failures: fail,
    serviceLog: serviceLogSummary(),
  };

  if (!args.json) {
    const rows = [
      ['baseline: apply → rollout complete (direct SSA)', s.baseline],
      ['orchestrator total: approved → succeeded', s.total],
      ['  cluster part: first write → readyAt', s.cluster],
      ['  own share: total − cluster part', s.own],
      ['  own share, % of total', s.ownShare],
      ['  approved → first write', s.approvedToApply],
      ['    approved → deploying event (locks, index, Kafka)', s.approvedToDeploying],
      ['    deploying event → first write (Kafka ack)', s.deployingToApply],
      ['  apply calls: first write → appliedAt (in cluster part)', s.applyCalls],
      ['  readyAt → succeeded event', s.readyToSucceeded],
      ['gates: inputs published → approved (not in total)', s.gatesToApproved],
      ['blue-green: switchDecidedAt → switchedAt', s.switch],
      ['blue-green: readyAt → switchedAt', s.readyToSwitched],
      ['failure: failedAt → restoredAt', s.restore],
      ['failure: failedAt → rolled_back event', s.failedToRolledBackEvent],
    ];
    process.stderr.write(`\n${table(rows)}\n\n`);
    process.stderr.write(
      `not succeeded: ${notSucceeded}; per round (baseline / orchestrator): wall ${rounds.map((r) => `${r.baseline.wallMs} / ${r.orchestrator.wallMs} ms`).join(', ')}; ` +
        `peak concurrent rollouts ${rounds.map((r) => `${r.baseline.peakConcurrent} / ${r.orchestrator.peakConcurrent}`).join(', ')}; orchestrator applies spread over ${rounds.map((r) => `${r.orchestrator.applySpreadMs} ms`).join(', ')}\n`,
    );
    for (const t of targets) process.stderr.write(`${t.met === true ? 'met    ' : t.met === false ? 'NOT met' : t.met}  ${t.target}: ${t.value ?? 'n/a'}\n`);
    process.stderr.write(`orchestrator warnings/errors (count by message): ${JSON.stringify(summary.serviceLog, null, 2)}\n`);
    process.stderr.write('\n');
  }
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  process.stdout.write(json);
  if (args.out) writeFileSync(resolve(args.out), json);
}

let exitCode = 0;
const onSignal = (sig) => {
  progress(`${sig}: cleaning up`);
  cleanup().finally(() => process.exit(130));
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  await main();
} catch (error) {
  exitCode = 1;
  progress(`failed: ${error.stack ?? error}`);
  for (const [i, s] of services.entries()) progress(`orchestrator ${i} tail:\n${s.tail()}`);
} finally {
  await cleanup().catch((e) => progress(`cleanup failed: ${e.stack ?? e}`));
}
process.exit(exitCode);
