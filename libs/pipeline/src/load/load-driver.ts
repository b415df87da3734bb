import { type AuditCompletedEvent, releaseIdOf, type RepositoryRef } from '@portcullis/contracts';
import { foldEvents, renderRoot } from '@portcullis/notify';
import { type BuiltImage, buildImage, pushBlob, pushManifest } from '@portcullis/testing';
import { type FakeSlackMessage } from '@portcullis/testing/saas';
import { PIPELINE_SERVICES, type PipelineService, SOURCE_IDS } from '../harness/pipeline-config.js';
import { type PipelineObserver } from '../harness/pipeline-observer.js';
import { type Pipeline } from '../harness/start-pipeline.js';
import { IMAGE_TAG } from '../scenarios/scenario-files.js';
import { scenarioImage } from '../scenarios/scenario-image.js';
import { type BuiltDelivery } from '../webhooks/built-delivery.js';
import { buildCiBuildAnnouncement, type PinnedImage } from '../webhooks/ci-build.delivery.js';
import { deliver, type IntakeAnswer } from '../webhooks/deliver.js';
import { buildDistributionPush } from '../webhooks/distribution-push.delivery.js';
import { buildGithubPush } from '../webhooks/github-push.delivery.js';
import { createBulkRepos, LOAD_AUTHOR, publishRelease } from './bulk-repos.js';
import { finalShownAt, quantiles, slackTsToMs, type Quantiles, throughputPerSecond } from './load-latency.js';
import { type LossSummary, type ReleaseProblem, releaseProblems, summarizeLosses } from './load-losses.js';
import { type LoadOptions } from './load-options.js';
import { type LoadRepo, openLoopOffsetMs, planRepos, RELEASE_TYPES, type ReleaseType } from './load-plan.js';
import { LOAD_ENVIRONMENT, loadRepoFiles } from './load-repo-files.js';
import { consumerLagOf, sampleProcess } from './process-stats.js';

/** A repository ready to release: its commits on the git server and, for image repositories, its image's blobs already in the registry. */
export interface PreparedRepo {
  readonly repo: LoadRepo;
  readonly repository: RepositoryRef;
  readonly before: string;
  readonly after: string;
  readonly releaseMessage: string;
  /** Only the manifest is left to push at release time (what makes the registry notify). */
  readonly image?: BuiltImage;
}

export interface PreparedLoad {
  readonly repos: readonly PreparedRepo[];
  /** Raw secret values planted in the release commits; never print them. */
  readonly planted: readonly string[];
  /** Setup times (ms): creating the repositories, building and uploading the images' blobs. */
  readonly setupMs: { readonly repos: number; readonly images: number };
}

async function inBatches<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * Before the measured phase: every repository created on the git server's disk (one fast-import),
 * and every image built and its blobs uploaded (a base layer shared by all, a top layer of its own),
 * so the run itself only moves refs, pushes manifests and sends webhooks.
 */
export async function prepareLoad(pipeline: Pipeline, options: LoadOptions, onProgress: (line: string) => void = () => undefined): Promise<PreparedLoad> {
  const plan = planRepos(options);
  const target = { owner: pipeline.owner, registry: pipeline.registry, namespace: pipeline.namespace };
  const files = plan.map((repo) => ({ repo, ...loadRepoFiles(repo, target), releaseMessage: `Release ${repo.index} of ${repo.name}` }));
  let t0 = Date.now();
  const commits = await createBulkRepos(
    pipeline.git.root,
    pipeline.owner,
    files.map((f) => ({ name: f.repo.name, base: f.base, release: f.release, releaseMessage: f.releaseMessage })),
  );
  const reposMs = Date.now() - t0;
  onProgress(`created ${plan.length} repositories in ${reposMs} ms (one git fast-import)`);

  t0 = Date.now();
  const images = new Map<string, BuiltImage>();
  const withImage = plan.filter((r) => r.image);
  await inBatches(withImage, 8, async (repo) => {
    const built = await buildImage(scenarioImage('clean', { run: `${pipeline.owner}-${repo.name}` }));
    const repository = `${pipeline.owner}/${repo.name}`;
    for (const layer of built.layers) await pushBlob(pipeline.registryUrl, repository, layer.data);
    await pushBlob(pipeline.registryUrl, repository, built.config.data);
    images.set(repo.name, built);
  });
  const imagesMs = Date.now() - t0;
  if (withImage.length > 0) onProgress(`built ${withImage.length} images and uploaded their blobs in ${imagesMs} ms`);

  return {
    repos: files.map((f) => {
      const c = commits.get(f.repo.name)!;
      const image = images.get(f.repo.name);
      return {
        repo: f.repo,
        repository: { provider: 'github', owner: pipeline.owner, name: f.repo.name },
        before: c.base,
        after: c.release,
        releaseMessage: f.releaseMessage,
        ...(image ? { image } : {}),
      };
    }),
    planted: files.flatMap((f) => f.planted),
    setupMs: { repos: reposMs, images: imagesMs },
  };
}

/** One release as it was sent. */
export interface SentRelease {
  readonly prepared: PreparedRepo;
  readonly releaseId: string;
  readonly sha: string;
  /** When it was due on the open-loop schedule, when the push webhook was sent and accepted (ms). */
  readonly dueAt: number;
  readonly sentAt: number;
  readonly acceptedAt?: number;
  readonly push?: IntakeAnswer;
  readonly imageAccepted: boolean;
  /** Deliveries of this release answered 503/429 and sent again. */
  readonly retries: number;
  readonly image?: PinnedImage;
  /** Why a delivery failed (status or network), without any header or body. */
  readonly error?: string;
}

/** Attempts per delivery: a 503 or 429 is retried after its Retry-After (at most 5 s), as a registry or CI retries. */
const DELIVERY_ATTEMPTS = 3;

async function deliverWithRetries(pipeline: Pipeline, built: BuiltDelivery, onRetry: () => void): Promise<IntakeAnswer> {
  for (let attempt = 1; ; attempt += 1) {
    const answer = await deliver(pipeline.intakeUrl(), built);
    if ((answer.status !== 503 && answer.status !== 429) || attempt >= DELIVERY_ATTEMPTS) return answer;
    onRetry();
    await new Promise((resolve) => setTimeout(resolve, Math.min(5, Math.max(1, answer.retryAfterSeconds ?? 1)) * 1000));
  }
}

async function sendOne(pipeline: Pipeline, prepared: PreparedRepo, dueAt: number): Promise<SentRelease> {
  const { owner, name } = prepared.repository;
  const releaseId = releaseIdOf(prepared.repository, prepared.after);
  let retries = 0;
  const onRetry = () => (retries += 1);
  const base = { prepared, releaseId, sha: prepared.after, dueAt };
  // The developer's push, then GitHub's webhook about it.
  publishRelease(pipeline.git.root, owner, name, prepared.after);
  const sentAt = Date.now();
  const commit = { id: prepared.after, message: prepared.releaseMessage, author: { ...LOAD_AUTHOR }, timestamp: new Date(sentAt).toISOString() };
  try {
    const push = await deliverWithRetries(
      pipeline,
      buildGithubPush({ sourceId: SOURCE_IDS.github, secret: pipeline.secrets.githubWebhook, owner, name, before: prepared.before, after: prepared.after, commits: [commit], pusher: { ...LOAD_AUTHOR } }),
      onRetry,
    );
    const acceptedAt = Date.now();
    if (push.status !== 202) return { ...base, retries, sentAt, push, imageAccepted: false, error: `push answered ${push.status} ${push.body?.code ?? ''}`.trim() };
    if (prepared.image === undefined) return { ...base, retries, sentAt, acceptedAt, push, imageAccepted: true };

    // CI: the image's manifest (its blobs are already there), the registry's notification, the build announcement.
    const repository = `${owner}/${name}`;
    await pushManifest(pipeline.registryUrl, repository, IMAGE_TAG, prepared.image.manifest);
    const image: PinnedImage = { registry: pipeline.registry, repository, tag: IMAGE_TAG, digest: prepared.image.manifest.digest };
    const registry = await deliverWithRetries(
      pipeline,
      buildDistributionPush({ sourceId: SOURCE_IDS.registry, authorization: pipeline.secrets.registryAuthorization, registryHost: pipeline.registry, repository, digest: image.digest, tag: IMAGE_TAG }),
      onRetry,
    );
    const build = await deliverWithRetries(
      pipeline,
      buildCiBuildAnnouncement({ auth: { kind: 'hmac', secret: pipeline.secrets.ciBuilds }, repository: prepared.repository, commit: prepared.after, image, buildId: `build-${prepared.after.slice(0, 12)}` }),
      onRetry,
    );
    const imageAccepted = registry.status === 202 && build.status === 202;
    return { ...base, retries, sentAt, acceptedAt, push, image, imageAccepted, ...(imageAccepted ? {} : { error: `registry ${registry.status} ${registry.body?.code ?? ''}, build ${build.status} ${build.body?.code ?? ''}` }) };
  } catch (error) {
    return { ...base, retries, sentAt, imageAccepted: false, error: (error as Error).message };
  }
}

/**
 * Sends every prepared release on the open-loop schedule (release i at i / rate s), without
 * waiting for earlier ones: a slow pipeline must show as latency, not as a lower offered rate.
 */
export async function sendLoad(pipeline: Pipeline, prepared: PreparedLoad, rate: number, onProgress: (line: string) => void = () => undefined): Promise<SentRelease[]> {
  const startedAt = Date.now() + 100;
  const inFlight: Promise<SentRelease>[] = [];
  let lastReport = Date.now();
  for (const [i, repo] of prepared.repos.entries()) {
    const dueAt = startedAt + openLoopOffsetMs(i, rate);
    const wait = dueAt - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(sendOne(pipeline, repo, dueAt));
    if (Date.now() - lastReport >= 5_000) {
      lastReport = Date.now();
      onProgress(`sent ${i + 1}/${prepared.repos.length} pushes (${((1000 * (i + 1)) / (Date.now() - startedAt)).toFixed(1)}/s)`);
    }
  }
  const sent = await Promise.all(inFlight);
  onProgress(`sent ${sent.length} pushes in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; ${sent.filter((s) => s.acceptedAt !== undefined).length} accepted`);
  return sent;
}

/** Per-service lag and per-process resources, sampled while the load runs. */
export interface ResourceSampler {
  /** Committed lag per service at each sample: [ms since start, messages]. */
  readonly lag: ReadonlyMap<PipelineService, readonly (readonly [number, number])[]>;
  stop(): Promise<ResourceReport>;
}

export interface ProcessReport {
  readonly name: string;
  readonly pid: number;
  readonly cpuSeconds: number;
  /** CPU of the process's exited children (git processes) during the run. */
  readonly childCpuSeconds: number;
  readonly rssMaxMiB: number;
}

export interface ResourceReport {
  /** Max backlog per service: Kafka high watermark minus the group's committed offset, summed over its topics. */
  readonly lagMax: Readonly<Record<string, number>>;
  /** Max of the services' own `portcullis_consumer_lag` gauge (summed over instances), for comparison. */
  readonly metricsLagMax: Readonly<Record<string, number>>;
  readonly lagSeries: Readonly<Record<string, readonly (readonly [number, number])[]>>;
  readonly processes: readonly ProcessReport[];
  readonly wallSeconds: number;
}

/**
 * Samples every `intervalMs`: each instance's `/metrics` (`portcullis_consumer_lag`, summed per
 * service) and every process's CPU and RSS from /proc (the services, and `extra` ones such as the
 * stack's git server or Kafka).
 */
export function startResourceSampler(pipeline: Pipeline, extra: readonly { readonly name: string; readonly pid: number }[] = [], intervalMs = 2_000): ResourceSampler {
  const started = Date.now();
  const lag = new Map<PipelineService, [number, number][]>(PIPELINE_SERVICES.map((s) => [s, []]));
  const processes = () => [
    ...PIPELINE_SERVICES.flatMap((s) => pipeline.instances(s).map((p, i) => ({ name: `${s}#${i + 1}`, pid: p.child.pid! }))),
    ...extra,
    { name: 'load generator', pid: process.pid },
  ];
  const first = new Map<number, { cpu: number; children: number }>();
  const rssMax = new Map<number, number>();
  const last = new Map<number, { name: string; cpu: number; children: number }>();
  const sampleProcesses = () => {
    for (const p of processes()) {
      const s = sampleProcess(p.pid);
      if (s === undefined) continue;
      if (!first.has(p.pid)) first.set(p.pid, { cpu: s.cpuSeconds, children: s.childCpuSeconds });
      rssMax.set(p.pid, Math.max(rssMax.get(p.pid) ?? 0, s.rssBytes));
      last.set(p.pid, { name: p.name, cpu: s.cpuSeconds, children: s.childCpuSeconds });
    }
  };
  const metricsLag = new Map<PipelineService, [number, number][]>(PIPELINE_SERVICES.map((s) => [s, []]));
  const sampleMetricsLag = async (at: number) => {
    await Promise.all(
      PIPELINE_SERVICES.map(async (service) => {
        const values = await Promise.all(
          pipeline.instances(service).map(async (p) => {
            try {
              const res = await fetch(`http://127.0.0.1:${p.port}/metrics`, { signal: AbortSignal.timeout(1_500) });
              return consumerLagOf(await res.text());
            } catch {
              return undefined;
            }
          }),
        );
        const known = values.filter((v): v is number => v !== undefined);
        if (known.length > 0) metricsLag.get(service)!.push([at, known.reduce((a, b) => a + b, 0)]);
      }),
    );
  };
  const admin = pipeline.kafka.admin();
  let adminConnected = false;
  // The true backlog: per consumer group (`<prefix><service>`), high watermark minus the committed
  // offset (services commit only after the handler finished), every topic the group reads.
  const sampleCommittedLag = async (at: number) => {
    if (!adminConnected) {
      await admin.connect();
      adminConnected = true;
    }
    await Promise.all(
      PIPELINE_SERVICES.map(async (service) => {
        try {
          const committed = await admin.fetchOffsets({ groupId: `${pipeline.prefix}${service}` });
          let sum = 0;
          for (const topic of committed) {
            const ends = new Map((await admin.fetchTopicOffsets(topic.topic)).map((o) => [o.partition, o]));
            for (const p of topic.partitions) {
              const end = ends.get(p.partition);
              if (end === undefined) continue;
              const from = Number(p.offset) >= 0 ? Number(p.offset) : Number(end.low);
              sum += Math.max(0, Number(end.high) - from);
            }
          }
          if (committed.length > 0) lag.get(service)!.push([at, sum]);
        } catch {
          // A group that has not committed yet (the intake has none): no sample.
        }
      }),
    );
  };
  const sampleLag = async () => {
    const at = Date.now() - started;
    await Promise.all([sampleMetricsLag(at), sampleCommittedLag(at)]);
  };
  sampleProcesses();
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      sampleProcesses();
      await sampleLag();
    }
  })();
  return {
    lag,
    stop: async () => {
      running = false;
      await loop;
      sampleProcesses();
      if (adminConnected) await admin.disconnect();
      return {
        lagMax: Object.fromEntries([...lag].map(([s, series]) => [s, Math.max(0, ...series.map(([, v]) => v))])),
        metricsLagMax: Object.fromEntries([...metricsLag].map(([s, series]) => [s, Math.max(0, ...series.map(([, v]) => v))])),
        lagSeries: Object.fromEntries(lag),
        processes: [...last].map(([pid, { name, cpu, children }]) => ({
          name,
          pid,
          cpuSeconds: cpu - (first.get(pid)?.cpu ?? cpu),
          childCpuSeconds: children - (first.get(pid)?.children ?? children),
          rssMaxMiB: Math.round((rssMax.get(pid) ?? 0) / 2 ** 20),
        })),
        wallSeconds: (Date.now() - started) / 1000,
      };
    },
  };
}

/** One release's outcome: its problems, its end-to-end latency, when it completed. */
export interface ReleaseResult {
  readonly title: string;
  readonly type: ReleaseType;
  readonly releaseId: string;
  readonly problems: readonly ReleaseProblem[];
  /** Push accepted → the Slack root first showed its final content (ms). */
  readonly latencyMs?: number;
  readonly finalAt?: number;
  /** Push accepted → each stage first seen (ms): the audit, the scan, the last gate transition, the first Slack root version. */
  readonly stages: { readonly audit?: number; readonly scan?: number; readonly gate?: number; readonly slackFirst?: number };
}

export interface LoadResult {
  readonly releases: readonly ReleaseResult[];
  readonly losses: LossSummary;
  readonly latency: Readonly<Record<ReleaseType | 'all', Quantiles>>;
  /** The auditor's own time per push (`audit.completed` stats.durationMs): the handler without its queueing. */
  readonly auditDurationMs: Quantiles;
  /** Push accepted → each stage, over every release that reached it. */
  readonly stages: Readonly<Record<'audit' | 'scan' | 'gate' | 'slackFirst', Quantiles>>;
  /** Pushes accepted per second (the offered rate achieved), releases completed per second. */
  readonly acceptedPerSecond: number | null;
  readonly completedPerSecond: number | null;
  /** First accepted push → last release final (s). */
  readonly spanSeconds: number | null;
  /** Completion times of each service's output (ms), for its throughput. */
  readonly outputTimes: Readonly<Record<PipelineService, readonly number[]>>;
}

const LINKS_FINDINGS = 'https://portcullis.example.com/releases/{releaseId}';

/** Root messages per commit sha, every channel, in one pass (the commit link names the sha). */
function rootsByCommit(pipeline: Pipeline): Map<string, FakeSlackMessage[]> {
  const out = new Map<string, FakeSlackMessage[]>();
  for (const channel of pipeline.slack.messages.keys()) {
    for (const root of pipeline.slack.roots(channel)) {
      const shas = new Set([...JSON.stringify(root.blocks ?? []).matchAll(/\/commit\/([0-9a-f]{40})/g)].map((m) => m[1]!));
      for (const sha of shas) out.set(sha, [...(out.get(sha) ?? []), root]);
    }
  }
  return out;
}

function judge(pipeline: Pipeline, observer: PipelineObserver, sent: SentRelease, roots: Map<string, FakeSlackMessage[]>): ReleaseResult {
  const title = `${sent.prepared.repository.owner}/${sent.prepared.repository.name}@${sent.sha.slice(0, 7)}`;
  const events = observer.eventsOf(sent.releaseId);
  const distinct = (kind: string) => new Set(events.filter((e) => e.body.kind === kind).map((e) => e.id));
  const audits = events.filter((e) => e.body.kind === 'audit.completed');
  const transitions = observer.transitions(sent.releaseId, LOAD_ENVIRONMENT);
  const last = transitions.at(-1);
  const mine = roots.get(sent.sha) ?? [];
  const thread = foldEvents(observer.threadEventsOf(sent.releaseId));
  const want = thread === undefined ? undefined : renderRoot(thread, { commitUrl: `${pipeline.git.url}/{owner}/{name}/commit/{sha}`, findingsUrl: LINKS_FINDINGS });
  const finalAt = mine.length === 1 && want !== undefined ? finalShownAt(mine[0]!, want) : undefined;
  const problems = releaseProblems({
    type: sent.prepared.repo.type,
    accepted: sent.acceptedAt !== undefined,
    imageAccepted: sent.imageAccepted,
    audits: distinct('audit.completed').size,
    ...(audits.length > 0 ? { auditVerdict: (audits.at(-1)!.body as AuditCompletedEvent).verdict } : {}),
    scans: distinct('scan.completed').size,
    ...(last ? { lastTransition: { to: last.to, reason: last.reason } } : {}),
    roots: mine.length,
    rootFinal: finalAt !== undefined,
  });
  const since = (at: number | undefined) => (at === undefined || sent.acceptedAt === undefined ? undefined : at - sent.acceptedAt);
  const stageTimes = {
    audit: since(audits[0]?.seenAt),
    scan: since(events.find((e) => e.body.kind === 'scan.completed')?.seenAt),
    gate: since(events.filter((e) => e.body.kind === 'release.transition').at(-1)?.seenAt),
    slackFirst: since(mine[0] === undefined ? undefined : slackTsToMs(mine[0].ts)),
  };
  return {
    title,
    type: sent.prepared.repo.type,
    releaseId: sent.releaseId,
    problems,
    stages: Object.fromEntries(Object.entries(stageTimes).filter(([, v]) => v !== undefined)),
    ...(finalAt !== undefined && sent.acceptedAt !== undefined ? { latencyMs: finalAt - sent.acceptedAt, finalAt } : {}),
  };
}

/**
 * Waits until every accepted release is fully processed (or nothing changed for `drainTimeoutMs`),
 * then, after a quiet moment (a late event must not change what was reported), judges each one.
 */
export async function awaitLoad(
  pipeline: Pipeline,
  observer: PipelineObserver,
  sent: readonly SentRelease[],
  options: Pick<LoadOptions, 'drainTimeoutMs'>,
  onProgress: (line: string) => void = () => undefined,
): Promise<LoadResult> {
  // A release whose deliveries the intake did not all accept is not the pipeline's to finish:
  // reported (as refused, with whatever else it shows), not waited for.
  const done = new Set<string>(sent.filter((s) => s.acceptedAt === undefined || !s.imageAccepted).map((s) => s.releaseId));
  let lastChange = Date.now();
  let lastReport = 0;
  for (;;) {
    const roots = rootsByCommit(pipeline);
    for (const s of sent) {
      if (done.has(s.releaseId)) continue;
      if (judge(pipeline, observer, s, roots).problems.length === 0) {
        done.add(s.releaseId);
        lastChange = Date.now();
      }
    }
    if (done.size === sent.length) break;
    if (Date.now() - lastChange > options.drainTimeoutMs) {
      onProgress(`no release completed for ${options.drainTimeoutMs / 1000} s; ${sent.length - done.size} incomplete`);
      break;
    }
    if (Date.now() - lastReport >= 5_000) {
      lastReport = Date.now();
      onProgress(`complete: ${done.size}/${sent.length}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const roots = rootsByCommit(pipeline);
  const releases = sent.map((s) => judge(pipeline, observer, s, roots));
  const latency = Object.fromEntries(
    (['all', ...RELEASE_TYPES] as const).map((type) => [type, quantiles(releases.filter((r) => type === 'all' || r.type === type).flatMap((r) => (r.latencyMs === undefined ? [] : [r.latencyMs])))]),
  ) as Record<ReleaseType | 'all', Quantiles>;
  const accepted = sent.flatMap((s) => (s.acceptedAt === undefined ? [] : [s.acceptedAt]));
  const finals = releases.flatMap((r) => (r.finalAt === undefined ? [] : [r.finalAt]));
  const ids = new Set(sent.map((s) => s.releaseId));
  const seen = (kind: string) => observer.events().filter((e) => e.body.kind === kind && ids.has(String((e.body as { releaseId?: string }).releaseId)));
  const firstSeen = (list: readonly { id: string; seenAt: number }[]) => [...new Map(list.map((e) => [e.id, e.seenAt])).values()];
  const outputTimes: Record<PipelineService, number[]> = {
    'webhook-intake': firstSeen(observer.events().filter((e) => e.topic === 'scm.events')),
    'secret-auditor': firstSeen(seen('audit.completed')),
    'image-scanner': firstSeen(seen('scan.completed')),
    'deploy-orchestrator': firstSeen(seen('release.transition')),
    notifier: pipeline.slack.calls.filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update').map((c) => c.at),
  };
  const stages = Object.fromEntries(
    (['audit', 'scan', 'gate', 'slackFirst'] as const).map((k) => [k, quantiles(releases.flatMap((r) => (r.stages[k] === undefined ? [] : [r.stages[k]])))]),
  ) as Record<'audit' | 'scan' | 'gate' | 'slackFirst', Quantiles>;
  const auditDurations = seen('audit.completed').map((e) => (e.body as AuditCompletedEvent).stats.durationMs);
  return {
    releases,
    losses: summarizeLosses(releases),
    latency,
    stages,
    auditDurationMs: quantiles(auditDurations),
    acceptedPerSecond: throughputPerSecond(accepted),
    completedPerSecond: accepted.length > 0 && finals.length > 0 ? (finals.length * 1000) / (Math.max(...finals) - Math.min(...accepted)) : null,
    spanSeconds: accepted.length > 0 && finals.length > 0 ? (Math.max(...finals) - Math.min(...accepted)) / 1000 : null,
    outputTimes,
  };
}
