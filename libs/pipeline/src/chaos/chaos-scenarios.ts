import { TOPICS } from '@portcullis/contracts';
import { listDeadLetters } from '@portcullis/messaging';
import { REPO_ROOT } from '@portcullis/testing';
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { rootsOfRelease } from '../harness/check-release.js';
import { PIPELINE_SERVICES, type PipelineService } from '../harness/pipeline-config.js';
import { type PipelineObserver } from '../harness/pipeline-observer.js';
import { type Pipeline } from '../harness/start-pipeline.js';
import { consumerLag, type GroupLag, totalLag } from './consumer-lag.js';
import { checkInvariants, type ExpectedDeadLetter, type InvariantReport, isOutcome, type ListedDeadLetter } from './invariants.js';
import { type PoisonMessage, poisonMessages, sendPoison } from './poison.js';
import { type ChaosLoadRelease, type SteadyLoad } from './steady-load.js';
import { type TcpProxy } from './tcp-proxy.js';

const run = promisify(execFile);

/** Every fault the chaos tool injects, one at a time. */
export const CHAOS_SCENARIOS = [
  ...PIPELINE_SERVICES.map((s) => `kill-${s}` as const),
  'restart-kafka',
  'restart-redis',
  'slack-429-500',
  'k8s-down-30s',
  'poison',
] as const;
export type ChaosScenario = (typeof CHAOS_SCENARIOS)[number];

/** The scenarios quick enough for CI and harmless to a shared stack (no Kafka or Redis restart). */
export const FAST_CHAOS_SCENARIOS: readonly ChaosScenario[] = CHAOS_SCENARIOS.filter((s) => s.startsWith('kill-') || s === 'poison' || s === 'slack-429-500');

/** What a scenario needs besides the pipeline. */
export interface ChaosContext {
  readonly pipeline: Pipeline;
  readonly observer: PipelineObserver;
  readonly load: SteadyLoad;
  /** The proxy in front of the Kubernetes API the orchestrator uses (`k8s-down-30s`). */
  readonly kubeProxy?: TcpProxy;
  /** Every poison message sent so far (the DLQ check explains entries with them). */
  readonly poison: PoisonMessage[];
  /**
   * Allows restarting Kafka and Redis of the stack in `STACK_DIR`. Refused for the repository's own
   * `.stack` unless set: other runs on a shared machine use it.
   */
  readonly allowStackRestart?: boolean;
  readonly log: (line: string) => void;
}

export interface ChaosTimings {
  /** Seconds of steady load before the fault. Default 20. */
  readonly warmupS?: number;
  /** Seconds of steady load after the fault ended. Default 30. */
  readonly afterS?: number;
  /** How long the run may take to settle once the load stopped. Default 240 s. */
  readonly settleTimeoutMs?: number;
  /** `kill-*`: seconds before the killed instance is started again. Default 15. */
  readonly restartAfterS?: number;
  /** `slack-429-500`: the outage's length. Default 60 s. */
  readonly slackOutageS?: number;
  /** `k8s-down-30s`: the outage's length. Default 30 s. */
  readonly kubeOutageS?: number;
  /** `poison`: messages of each kind per topic. Default 3. */
  readonly poisonPerKind?: number;
}

/** One scenario's measured result. */
export interface ChaosResult {
  readonly scenario: ChaosScenario;
  readonly description: string;
  /** `Date.now()` when the fault began and ended. */
  readonly faultStart: number;
  readonly faultEnd: number;
  readonly recovery: {
    /** Fault end → the first final outcome (audit, scan or settled deploy state) the pipeline published afterwards. */
    readonly firstOutcomeMs?: number;
    /** Fault end → the first final outcome of a release pushed after the fault ended (new work flows end to end). */
    readonly firstNewReleaseOutcomeMs?: number;
    /** Fault end → the first rollout that finished (a deploy transition to succeeded, failed or rolled_back) afterwards. */
    readonly firstRolloutEndMs?: number;
    /** Fault end → the first Slack message posted or updated successfully afterwards. */
    readonly firstSlackWriteMs?: number;
    /** Fault end → the first moment every consumer group of the run was at lag 0 (sampled every 2 s from the fault's start). */
    readonly lagDrainedMs?: number;
    /** Highest total lag seen from the fault's start. */
    readonly maxLag: number;
  };
  readonly load: { readonly releases: number; readonly skippedTicks: number; readonly redelivered: number; readonly refused: number };
  readonly invariants: InvariantReport;
  readonly passed: boolean;
}

/** What a scenario leaves in the DLQs besides poison: none, for any of them (a fault may delay work, never drop it). */
const EXPECTED_DEAD_LETTERS: Readonly<Record<ChaosScenario, readonly ExpectedDeadLetter[]>> = Object.fromEntries(CHAOS_SCENARIOS.map((s) => [s, []])) as unknown as Record<
  ChaosScenario,
  readonly ExpectedDeadLetter[]
>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `tools/stack/stack <command>` for the stack the run uses (`STACK_DIR`). */
async function stack(ctx: ChaosContext, command: string): Promise<void> {
  const dir = process.env['STACK_DIR'] ?? process.env['PORTCULLIS_STACK_DIR'];
  if (!dir) throw new Error('STACK_DIR is not set: source the env file of the stack the pipeline runs on');
  const shared = realpathSync(join(REPO_ROOT, '.stack'));
  let own: string;
  try {
    own = realpathSync(dir);
  } catch {
    own = dir;
  }
  if (own === shared && !ctx.allowStackRestart) {
    throw new Error(`refusing to ${command} the repository's shared stack (${dir}): start your own (PORTCULLIS_STACK_DIR=… tools/stack/stack up) or pass --allow-shared-stack`);
  }
  ctx.log(`  stack ${command}`);
  await run(join(REPO_ROOT, 'tools/stack/stack'), [command], { env: { ...process.env, PORTCULLIS_STACK_DIR: dir }, maxBuffer: 16 * 1024 * 1024 });
}

/** Deletes every Redis key of the run (the prefix), after a restart that may have kept some. */
async function flushRunKeys(ctx: ChaosContext): Promise<number> {
  const script = "local n=0 local c='0' repeat local r=redis.call('SCAN',c,'MATCH',ARGV[1]..'*','COUNT',1000) c=r[1] for _,k in ipairs(r[2]) do redis.call('DEL',k) n=n+1 end until c=='0' return n";
  const { stdout } = await run('redis-cli', ['-u', ctx.pipeline.stack.redisUrl, '--no-auth-warning', 'EVAL', script, '0', ctx.pipeline.prefix]);
  return Number(stdout.trim());
}

interface Fault {
  readonly description: string;
  /** Injects the fault and heals it; resolves with the fault window. */
  inject(ctx: ChaosContext, timings: ChaosTimings): Promise<{ start: number; end: number }>;
}

function killFault(service: PipelineService): Fault {
  return {
    description: `SIGKILL one of the ${service} instances under load (the other takes over its partitions and requests), start it again after a while`,
    inject: async (ctx, timings) => {
      const before = ctx.pipeline.instances(service).length;
      if (before < 2) throw new Error(`kill-${service} needs 2 instances of ${service} (has ${before})`);
      const start = Date.now();
      await ctx.pipeline.stopInstance(service, 0, 'SIGKILL');
      ctx.log(`  killed one ${service} instance (SIGKILL); ${before - 1} left`);
      // The crash is the whole fault: from here the survivors must carry the load.
      const end = Date.now();
      await sleep((timings.restartAfterS ?? 15) * 1000);
      await ctx.pipeline.addInstance(service);
      ctx.log(`  started a new ${service} instance (${ctx.pipeline.instances(service).length} running)`);
      return { start, end };
    },
  };
}

const FAULTS: Readonly<Record<ChaosScenario, Fault>> = {
  ...(Object.fromEntries(PIPELINE_SERVICES.map((s) => [`kill-${s}`, killFault(s)])) as Record<`kill-${PipelineService}`, Fault>),
  'restart-kafka': {
    description: 'restart the Kafka broker (stop, then start with the same port and data)',
    inject: async (ctx) => {
      const start = Date.now();
      await stack(ctx, 'restart-kafka');
      return { start, end: Date.now() };
    },
  },
  'restart-redis': {
    description: 'restart Redis (no persistence: everything in it is lost) and delete any key of the run left',
    inject: async (ctx) => {
      const start = Date.now();
      await stack(ctx, 'stop-redis');
      await stack(ctx, 'start-redis');
      const deleted = await flushRunKeys(ctx);
      ctx.log(`  deleted ${deleted} leftover key(s) of the run`);
      return { start, end: Date.now() };
    },
  },
  'slack-429-500': {
    description: 'the Slack stand-in answers every Web API call with 429 (Retry-After: 5) and 500, taking turns',
    inject: async (ctx, timings) => {
      const start = Date.now();
      const ms = (timings.slackOutageS ?? 60) * 1000;
      ctx.pipeline.slack.failFor(ms, [{ error: 'ratelimited', retryAfterS: 5 }, { status: 500 }]);
      await sleep(ms);
      return { start, end: Date.now() };
    },
  },
  'k8s-down-30s': {
    description: 'the Kubernetes API becomes unreachable for the orchestrator (its proxy refuses connections and resets open ones)',
    inject: async (ctx, timings) => {
      const proxy = ctx.kubeProxy;
      if (!proxy) throw new Error('k8s-down-30s needs the pipeline started with a Kubernetes API proxy (orchestratorKubeServer)');
      const start = Date.now();
      await proxy.cut();
      await sleep((timings.kubeOutageS ?? 30) * 1000);
      await proxy.restore();
      return { start, end: Date.now() };
    },
  },
  poison: {
    description: 'publish undecodable bytes, schema-invalid bodies and header-less messages onto scm.events, registry.events and audit.results',
    inject: async (ctx, timings) => {
      const messages = poisonMessages(timings.poisonPerKind ?? 3, ctx.pipeline.owner);
      const start = Date.now();
      await sendPoison(ctx.pipeline.kafka, ctx.pipeline.prefix, messages);
      ctx.poison.push(...messages);
      ctx.log(`  published ${messages.length} poison messages`);
      return { start, end: Date.now() };
    },
  },
};

export function describeScenario(scenario: ChaosScenario): string {
  return FAULTS[scenario].description;
}

/** Every dead letter of the run, per main topic that has consumers. */
export async function runDeadLetters(pipeline: Pipeline): Promise<ListedDeadLetter[]> {
  const lists = await Promise.all(
    TOPICS.filter((t) => t.consumedBy.length > 0).map(async (t) => (await listDeadLetters(pipeline.kafka, t.name, { topicPrefix: pipeline.prefix })).map((letter) => ({ topic: t.name, letter }))),
  );
  return lists.flat();
}

/** The invariant check over everything sent so far (DLQs read once, when asked). */
async function check(ctx: ChaosContext, scenario: ChaosScenario, deadLetters: readonly ListedDeadLetter[]): Promise<InvariantReport> {
  const roots = new Map<string, number>();
  return checkInvariants({
    releases: ctx.load.releases(),
    eventsOf: (releaseId) => ctx.observer.eventsOf(releaseId),
    slackRoots: (sha) => roots.get(sha) ?? (roots.set(sha, rootsOfRelease(ctx.pipeline, sha).length), roots.get(sha)!),
    deadLetters,
    poison: ctx.poison,
    expectedDeadLetters: EXPECTED_DEAD_LETTERS[scenario],
  });
}

/** Samples the run's consumer lag every 2 s until `stop()` (from before the fault, so a takeover's backlog is seen building). */
function sampleLag(ctx: ChaosContext) {
  const samples: { at: number; total: number; groups: number }[] = [];
  let last: GroupLag[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        last = await consumerLag(ctx.pipeline.kafka, ctx.pipeline.prefix);
        samples.push({ at: Date.now(), total: totalLag(last), groups: last.length });
      } catch {
        // Kafka being restarted: no sample.
      }
      await sleep(2_000);
    }
  })();
  return {
    /**
     * The first sample at or after `from` with nothing left to consume in every group seen before
     * (a broker that just restarted lists no groups for a moment: that is not a drained run).
     */
    drainedAt: (from: number) => {
      const groups = Math.max(0, ...samples.filter((s) => s.at < from).map((s) => s.groups));
      return samples.find((s) => s.at >= from && s.total === 0 && s.groups >= groups)?.at;
    },
    maxAfter: (from: number) => Math.max(0, ...samples.filter((s) => s.at >= from).map((s) => s.total)),
    get last() {
      return last;
    },
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/**
 * One chaos scenario under steady load: load for `warmupS`, the fault, load for `afterS` more,
 * then the load stops and the run is given `settleTimeoutMs` to finish every release. Then the
 * invariants are checked over every release the load sent (so far, when several scenarios run on
 * one pipeline) and the recovery times measured.
 */
export async function runChaosScenario(ctx: ChaosContext, scenario: ChaosScenario, timings: ChaosTimings = {}): Promise<ChaosResult> {
  const fault = FAULTS[scenario];
  ctx.log(`${scenario}: ${fault.description}`);
  ctx.load.start();
  await sleep((timings.warmupS ?? 20) * 1000);
  ctx.log(`  fault begins (${ctx.load.releases().length} releases sent so far)`);
  const lag = sampleLag(ctx);
  try {
    const window = await fault.inject(ctx, timings);
    ctx.log(`  fault over after ${((window.end - window.start) / 1000).toFixed(1)} s`);
    await sleep((timings.afterS ?? 30) * 1000);
    await ctx.load.stop();
    ctx.log(`  load stopped (${ctx.load.releases().length} releases sent); waiting for the run to settle`);

    const settleBy = Date.now() + (timings.settleTimeoutMs ?? 240_000);
    let report = await check(ctx, scenario, []);
    const pending = (r: InvariantReport) => r.violations.filter((v) => v.invariant === 'one-final-outcome' || (v.invariant === 'one-slack-root' && v.detail === 'no Slack root message'));
    while ((pending(report).length > 0 || lag.drainedAt(window.end) === undefined || totalLag(lag.last) > 0) && Date.now() < settleBy) {
      await sleep(2_000);
      report = await check(ctx, scenario, []);
    }
    // A quiet moment: a late duplicate (a second root, a second rollout) must show up before the verdict.
    await sleep(5_000);
    report = await check(ctx, scenario, await runDeadLetters(ctx.pipeline));

    const outcomesAfter = ctx.observer.events().filter((e) => isOutcome(e) && e.seenAt >= window.end);
    const firstOutcome = outcomesAfter.at(0)?.seenAt;
    const drainedAt = lag.drainedAt(window.end);
    const rolloutEnds = new Set(['succeeded', 'failed', 'rolled_back']);
    const firstRolloutEnd = outcomesAfter.find((e) => e.body.kind === 'release.transition' && rolloutEnds.has((e.body as { to?: string }).to ?? ''))?.seenAt;
    const firstSlackWrite = ctx.pipeline.slack.calls.find((c) => c.at >= window.end && c.status === 200 && (c.method === 'chat.postMessage' || c.method === 'chat.update'))?.at;
    const newReleases = new Set(ctx.load.releases().filter((r) => r.sentAt >= window.end).map((r) => r.releaseId));
    const firstNew = outcomesAfter.find((e) => newReleases.has((e.body as { releaseId?: string }).releaseId ?? ''))?.seenAt;
    const releases = ctx.load.releases();
    const redelivered = releases.filter((r: ChaosLoadRelease) => [r.push, r.registry, r.build].some((d) => d !== undefined && d.attempts > 1)).length;
    const refused = releases.filter((r) => [r.push, r.registry, r.build].some((d) => d !== undefined && !d.accepted)).length;
    const result: ChaosResult = {
      scenario,
      description: fault.description,
      faultStart: window.start,
      faultEnd: window.end,
      recovery: {
        ...(firstOutcome === undefined ? {} : { firstOutcomeMs: firstOutcome - window.end }),
        ...(firstNew === undefined ? {} : { firstNewReleaseOutcomeMs: firstNew - window.end }),
        ...(firstRolloutEnd === undefined ? {} : { firstRolloutEndMs: firstRolloutEnd - window.end }),
        ...(firstSlackWrite === undefined ? {} : { firstSlackWriteMs: firstSlackWrite - window.end }),
        ...(drainedAt === undefined ? {} : { lagDrainedMs: drainedAt - window.end }),
        maxLag: lag.maxAfter(window.start),
      },
      load: { releases: releases.length, skippedTicks: ctx.load.skippedTicks, redelivered, refused },
      invariants: report,
      passed: report.violations.length === 0,
    };
    return result;
  } finally {
    await lag.stop();
  }
}

/** A human-readable report of one result. */
export function formatChaosResult(result: ChaosResult): string {
  const s = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);
  const { recovery, load, invariants } = result;
  const lines = [
    `${result.scenario}: ${result.passed ? 'PASSED' : 'FAILED'} — ${result.description}`,
    `  fault window ${s(result.faultEnd - result.faultStart)}; recovery: first outcome ${s(recovery.firstOutcomeMs)}, first outcome of a new release ${s(recovery.firstNewReleaseOutcomeMs)}, first finished rollout ${s(recovery.firstRolloutEndMs)}, first Slack write ${s(recovery.firstSlackWriteMs)}, lag drained ${s(recovery.lagDrainedMs)} (max lag ${recovery.maxLag})`,
    `  load: ${load.releases} releases, ${load.redelivered} with a redelivered webhook, ${load.refused} with a webhook never accepted, ${load.skippedTicks} ticks skipped (pipeline slower than the rate)`,
    `  counts: ${Object.entries(invariants.counts).map(([k, v]) => `${k}=${v}`).join(' ')}`,
    ...(invariants.degraded.length > 0 ? [`  degraded outcomes (${invariants.degraded.length}): ${invariants.degraded.slice(0, 10).join('; ')}${invariants.degraded.length > 10 ? '; …' : ''}`] : []),
    ...invariants.violations.map((v) => `  VIOLATION ${v.invariant}: ${v.subject}: ${v.detail}`),
  ];
  return lines.join('\n');
}
