import { type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { allTopicSpecs } from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, type KafkaClient, silentLogger } from '@portcullis/messaging';
import {
  gitServerEnv,
  type GitServerEnv,
  registryHost,
  registryStackEnv,
  REPO_ROOT,
  type ServiceProcess,
  stackEnv,
  type StackEnv,
  startServiceProcess,
  uniqueOwner,
  uniquePrefix,
  waitUntilReady,
} from '@portcullis/testing';
import { adminKubeConfig, createNamespace, createTestNamespace, serviceAccountKubeConfig } from '@portcullis/testing/kube';
import { type FakeGitHubStatuses, type FakeSlack, type FakeSlackOptions, startFakeGitHubStatuses, startFakeSlack } from '@portcullis/testing/saas';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  generateSecrets,
  instanceEnv,
  PIPELINE_FILES,
  PIPELINE_SERVICES,
  type PipelineConfigInput,
  type PipelineRouting,
  type PipelineSecrets,
  type PipelineService,
  writePipelineFiles,
} from './pipeline-config.js';

export interface StartPipelineOptions {
  /** Names the run's prefix (`t-<label>-…`), owner and namespace. Default `pipeline`. */
  readonly label?: string;
  /**
   * Topic, consumer-group and Redis key prefix; default `uniquePrefix(label)` (`t-…`, whose topics
   * the int setup deletes after an hour). A run that must outlive that (the demo) passes its own.
   */
  readonly prefix?: string;
  /** Owner of the run's repositories on the git server; default `uniqueOwner(label)`. */
  readonly owner?: string;
  /** Instances per service; default 1 each. */
  readonly instances?: Partial<Record<PipelineService, number>>;
  /** Per service, variables set on top of the generated configuration. */
  readonly env?: Partial<Record<PipelineService, Record<string, string>>>;
  /** Slack routing; default every release in `C0DEPLOYS`. */
  readonly routing?: PipelineRouting;
  /** The Slack stand-in's options (channels, rate limit). */
  readonly slack?: Omit<FakeSlackOptions, 'token'>;
  /**
   * The target namespace: a throw-away test namespace by default (label `portcullis.dev/test`,
   * removed by the int setup when stale); `{ name }` creates that one with the given labels instead
   * (the demo's, which must outlive the run and not be swept by the test setup).
   */
  readonly namespace?: { readonly name: string; readonly labels: Record<string, string> };
  /** Where config files, mirrors and the kubeconfig go; default a fresh temp directory, removed by `stop()`. */
  readonly runDir?: string;
  /** Run `tsc -b` for the five apps first (default true): the services run from `dist/`. */
  readonly build?: boolean;
  /** Also write each instance's output to `<runDir>/logs/<instance id>.log` (the demo, whose services outlive a terminal). */
  readonly logFiles?: boolean;
  /** Progress lines for long work (start-up takes tens of seconds on two cores). */
  readonly onProgress?: (line: string) => void;
  /**
   * Maps the Kubernetes API server URL to the one written into the orchestrator's kubeconfig, e.g.
   * a TCP proxy in front of it that a fault-tolerance run cuts to make the API unreachable for the
   * orchestrator alone, without stopping the shared control plane. Default: the server itself.
   */
  readonly orchestratorKubeServer?: (server: string) => string | Promise<string>;
}

/** A running pipeline: the five services (N instances each), the Slack and GitHub stand-ins, and the run's isolation. */
export interface Pipeline {
  readonly prefix: string;
  readonly runDir: string;
  /** Owner of the run's repositories on the git server (and of its image repositories). */
  readonly owner: string;
  readonly namespace: string;
  readonly stack: StackEnv;
  readonly git: GitServerEnv;
  readonly registryUrl: string;
  /** `host:port` of the registry, as images and configs name it. */
  readonly registry: string;
  readonly secrets: PipelineSecrets;
  /** A Kafka client with the run's prefix (for observers). */
  readonly kafka: KafkaClient;
  /** Admin access to the control plane (for checking what was deployed). */
  readonly admin: KubeConfig;
  readonly slack: FakeSlack;
  readonly github: FakeGitHubStatuses;
  /** The intake's base URL; with several instances, successive calls go round-robin. */
  intakeUrl(): string;
  /** The running instances of a service. */
  instances(service: PipelineService): readonly ServiceProcess[];
  /** Starts one more instance and waits until it is ready (scale-out). */
  addInstance(service: PipelineService): Promise<ServiceProcess>;
  /** Stops instance `index` of a service (SIGTERM: drains; SIGKILL: a crash) and removes it from the running ones. */
  stopInstance(service: PipelineService, index: number, signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Every line every instance printed, including stopped ones (for the leak scan). */
  output(): string[];
  /** Stops the services and stand-ins, deletes the namespace, the run's repositories and the run directory. */
  stop(options?: { readonly keep?: boolean }): Promise<void>;
}

const ORCHESTRATOR_RBAC = 'deploy/rbac/deploy-orchestrator.yaml';

async function ensureRunTopics(kafka: KafkaClient, prefix: string): Promise<void> {
  // A topic created a moment ago may still report as missing or short of partitions: repeat until
  // a pass creates nothing, so every service subscribes to complete topics.
  for (let attempt = 1; ; attempt += 1) {
    const report = await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: prefix, logger: silentLogger });
    if (report.created.length + report.grown.length === 0) return;
    if (attempt >= 60) throw new Error(`topics under ${prefix} still changing after ${attempt} passes`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Starts the whole pipeline against the local stack, isolated by a fresh prefix (topics, groups,
 * Redis keys), owner and namespace: topics first, then the stand-ins, then every instance of the
 * five services, and resolves once each answers `/readyz` (its consumers joined), so that no
 * event the caller sends can be missed.
 */
export async function startPipeline(options: StartPipelineOptions = {}): Promise<Pipeline> {
  const label = options.label ?? 'pipeline';
  const progress = options.onProgress ?? (() => undefined);
  const stack = stackEnv();
  const git = gitServerEnv();
  const registryUrl = registryStackEnv().url;
  const prefix = options.prefix ?? uniquePrefix(label);
  const owner = options.owner ?? uniqueOwner(label);
  const runDir = options.runDir ?? mkdtempSync(join(tmpdir(), `portcullis-${label}-`));
  mkdirSync(runDir, { recursive: true });
  const admin = adminKubeConfig();
  const secrets = generateSecrets();

  if (options.build ?? true) {
    progress('building the five services (tsc -b)');
    execFileSync('npx', ['tsc', '-b', ...PIPELINE_SERVICES.map((s) => `apps/${s}/tsconfig.lib.json`)], { cwd: REPO_ROOT, stdio: 'inherit' });
  }

  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: `${label}-harness`, topicPrefix: prefix }, silentLogger);
  progress(`creating the topics under ${prefix}`);
  await ensureRunTopics(kafka, prefix);

  progress('creating the target namespace and the orchestrator’s ServiceAccount (deploy/rbac)');
  const namespace = options.namespace ? await createNamespace(admin, options.namespace.name, { labels: options.namespace.labels }) : await createTestNamespace(admin, label);
  const rbac = parseAllDocuments(readFileSync(join(REPO_ROOT, ORCHESTRATOR_RBAC), 'utf8'))
    .map((d) => d.toJS() as KubernetesObject)
    .filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding');
  const restricted = await serviceAccountKubeConfig(admin, { namespace: namespace.name, serviceAccount: 'deploy-orchestrator', manifests: rbac });
  let kubeconfig = restricted.exportConfig();
  if (options.orchestratorKubeServer) {
    const parsed = JSON.parse(kubeconfig) as { clusters: { cluster: { server: string } }[] };
    for (const entry of parsed.clusters) entry.cluster.server = await options.orchestratorKubeServer(entry.cluster.server);
    kubeconfig = JSON.stringify(parsed);
  }
  writeFileSync(join(runDir, PIPELINE_FILES.kubeconfig), kubeconfig, { mode: 0o600 });

  const slack = await startFakeSlack(options.slack ?? {});
  const github = await startFakeGitHubStatuses();
  const config: PipelineConfigInput = {
    stack,
    git,
    registryUrl,
    prefix,
    secrets,
    runDir,
    slack: { url: slack.url, token: slack.token },
    github: { url: github.url, token: github.token },
    routing: options.routing ?? { defaultChannel: 'C0DEPLOYS' },
    releaseUrl: 'https://portcullis.example.com/releases/{releaseId}',
    ...(options.env ? { overrides: options.env } : {}),
  };
  writePipelineFiles(config);

  const logDir = join(runDir, 'logs');
  if (options.logFiles) mkdirSync(logDir, { recursive: true });
  const running = new Map<PipelineService, ServiceProcess[]>(PIPELINE_SERVICES.map((s) => [s, []]));
  const everyProcess: ServiceProcess[] = [];
  let started = 0;
  const launch = async (service: PipelineService): Promise<ServiceProcess> => {
    started += 1;
    const instanceId = `${service}-${started}-${prefix.slice(0, -1)}`;
    const instance = await startServiceProcess(service, instanceEnv(config, service, instanceId), options.logFiles ? { logFile: join(logDir, `${instanceId}.log`) } : {});
    everyProcess.push(instance);
    running.get(service)!.push(instance);
    return instance;
  };

  const stopAll = async () => {
    await Promise.all(everyProcess.map((p) => p.stop()));
  };
  try {
    const counts = PIPELINE_SERVICES.map((s) => [s, options.instances?.[s] ?? 1] as const);
    progress(`starting ${counts.map(([s, n]) => `${n}× ${s}`).join(', ')}`);
    const instances = await Promise.all(counts.flatMap(([service, n]) => Array.from({ length: n }, () => launch(service))));
    await Promise.all(instances.map((i) => waitUntilReady(i, 120_000)));
    progress('every instance is ready (consumers joined their groups)');
  } catch (error) {
    await stopAll();
    await Promise.all([slack.close(), github.close(), namespace.delete()]);
    throw error;
  }

  let nextIntake = 0;
  return {
    prefix,
    runDir,
    owner,
    namespace: namespace.name,
    stack,
    git,
    registryUrl,
    registry: registryHost(registryUrl),
    secrets,
    kafka,
    admin,
    slack,
    github,
    intakeUrl: () => {
      const intakes = running.get('webhook-intake')!;
      if (intakes.length === 0) throw new Error('no webhook-intake instance is running');
      const chosen = intakes[nextIntake++ % intakes.length]!;
      return `http://127.0.0.1:${chosen.port}`;
    },
    instances: (service) => [...running.get(service)!],
    addInstance: async (service) => {
      const instance = await launch(service);
      await waitUntilReady(instance, 120_000);
      return instance;
    },
    stopInstance: async (service, index, signal = 'SIGTERM') => {
      const list = running.get(service)!;
      const instance = list[index];
      if (instance === undefined) throw new Error(`${service} has no instance ${index} (${list.length} running)`);
      list.splice(index, 1);
      if (signal === 'SIGKILL') {
        instance.child.kill('SIGKILL');
        await new Promise((resolve) => (instance.child.exitCode !== null || instance.child.signalCode !== null ? resolve(undefined) : instance.child.once('exit', resolve)));
      } else {
        await instance.stop();
      }
    },
    output: () => everyProcess.flatMap((p) => p.rawOutput),
    stop: async (stopOptions = {}) => {
      await stopAll();
      await Promise.all([slack.close(), github.close()]);
      if (stopOptions.keep) return;
      await namespace.delete();
      rmSync(join(git.root, owner), { recursive: true, force: true });
      if (options.runDir === undefined) rmSync(runDir, { recursive: true, force: true });
    },
  };
}
