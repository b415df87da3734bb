// One load run, shared by tools/loadgen/run.mjs and tools/bench/e2e/run.mjs: the whole pipeline
// (startPipeline, built services), the repositories and images prepared before the measured phase,
// the open-loop pushes, the wait for every release to finish, and the report. The pieces are
// libs/pipeline's `load/` (built dist: npx tsc -b libs/pipeline/tsconfig.lib.json).
import {
  awaitLoad,
  loadRouting,
  PipelineObserver,
  prepareLoad,
  RELEASE_TYPES,
  sendLoad,
  startPipeline,
  startResourceSampler,
  throughputPerSecond,
} from '@portcullis/pipeline';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Service settings a load run overrides, and why. Both defaults protect a real third party; the
 * stand-ins here have no such limit, and at 20 pushes/s the defaults would be the bottleneck by
 * design (1 commit status/s for GitHub's 5,000 requests per hour; 5 registry requests/s so a burst
 * of builds does not get the platform banned by Docker Hub or GHCR).
 */
export const LOAD_ENV = {
  notifier: { NOTIFY_STATUS_RATE_PER_SECOND: '500', NOTIFY_STATUS_BURST: '100' },
  'image-scanner': { SCAN_REGISTRY_PER_SECOND: '500', SCAN_REGISTRY_BURST: '200' },
};

/** The stack's own processes (git server, Kafka, Redis, registry), for their CPU and RSS. */
export function stackProcesses() {
  try {
    const status = execFileSync(join(ROOT, 'tools/stack/stack'), ['status'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return status
      .split('\n')
      .map((line) => /^(kafka|redis|git-http|registry|kube-apiserver|etcd)\s+running\s+\S+\s+pid (\d+)/.exec(line))
      .filter(Boolean)
      .map((m) => ({ name: `stack ${m[1]}`, pid: Number(m[2]) }));
  } catch {
    return [];
  }
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/**
 * Runs one load: `options` from `loadOptionsFrom`, `env` merged over LOAD_ENV per service.
 * Resolves with everything the summary shows; the pipeline is stopped (and its repositories,
 * topics' consumers and namespace removed) whatever happens.
 */
export async function runLoad(options, { label = 'load', env = {}, progress = () => undefined, build = false, keep = false } = {}) {
  const merged = Object.fromEntries(
    [...new Set([...Object.keys(LOAD_ENV), ...Object.keys(env)])].map((s) => [s, { ...(LOAD_ENV[s] ?? {}), ...(env[s] ?? {}) }]),
  );
  const loadBefore = load();
  const owner = `t-${label}-${Date.now().toString(36)}`;
  const pipeline = await startPipeline({
    label,
    owner,
    build,
    instances: options.instances,
    env: merged,
    routing: loadRouting(owner, options.channels),
    onProgress: progress,
  });
  let observer;
  try {
    observer = await PipelineObserver.start(pipeline.kafka, pipeline.prefix);
    const prepared = await prepareLoad(pipeline, options, progress);
    const counts = Object.fromEntries(RELEASE_TYPES.map((t) => [t, prepared.repos.filter((r) => r.repo.type === t).length]));
    progress(`releases by type: ${JSON.stringify(counts)}; sending ${prepared.repos.length} pushes at ${options.rate}/s`);
    const sampler = startResourceSampler(pipeline, stackProcesses());
    const sent = await sendLoad(pipeline, prepared, options.rate, progress);
    const slip = Math.max(0, ...sent.map((s) => s.sentAt - s.dueAt));
    const result = await awaitLoad(pipeline, observer, sent, options, progress);
    const resources = await sampler.stop();
    const errors = sent.filter((s) => s.error !== undefined).map((s) => `${s.prepared.repo.name}: ${s.error}`);
    const retries = sent.reduce((sum, s) => sum + s.retries, 0);
    return {
      options,
      env: merged,
      instances: Object.fromEntries(['webhook-intake', 'secret-auditor', 'image-scanner', 'deploy-orchestrator', 'notifier'].map((s) => [s, pipeline.instances(s).length])),
      counts,
      setupMs: prepared.setupMs,
      maxScheduleSlipMs: slip,
      deliveryErrors: errors,
      retries,
      result,
      resources,
      loadavg: { before: loadBefore, after: load() },
    };
  } finally {
    await observer?.stop();
    await pipeline.stop({ keep });
  }
}

const fmt = (v, digits = 0) => (v === null || v === undefined ? '-' : Number(v).toFixed(digits));

/** A Markdown table, first column left-aligned, the others right-aligned. */
export function markdownTable(head, rows) {
  const body = rows.map((r) => r.map((c) => String(c)));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i === 0 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w - 1)}:-`)).join('|')}|`, ...body.map(line)].join('\n');
}

/** The human summary of a run (Markdown tables). */
export function summaryText(run) {
  const { result, resources } = run;
  const lines = [];
  const l = result.losses;
  lines.push(
    `releases ${l.releases}: complete ${l.complete}, lost ${l.lost}, duplicated ${l.duplicate}, wrong outcome ${l.wrong}; refused by the intake ${l.refused} (${run.deliveryErrors.length} delivery errors after retries; ${run.retries} deliveries retried after 503/429)`,
    `accepted ${fmt(result.acceptedPerSecond, 1)} pushes/s (target ${run.options.rate}; worst schedule slip ${fmt(run.maxScheduleSlipMs)} ms); completed ${fmt(result.completedPerSecond, 1)} releases/s over ${fmt(result.spanSeconds, 1)} s`,
    `load average before ${run.loadavg.before}, after ${run.loadavg.after}`,
    '',
    markdownTable(
      ['latency (push accepted → final Slack root), ms', 'n', 'p50', 'p95', 'p99', 'max'],
      ['all', ...RELEASE_TYPES].map((t) => {
        const q = result.latency[t];
        return [t, q.n, fmt(q.p50), fmt(q.p95), fmt(q.p99), fmt(q.max)];
      }),
    ),
    '',
    markdownTable(
      ['push accepted → stage first seen, ms', 'n', 'p50', 'p95', 'p99', 'max'],
      [...Object.entries(result.stages), ['(auditor’s own time per push)', result.auditDurationMs]].map(([k, q]) => [k, q.n, fmt(q.p50), fmt(q.p95), fmt(q.p99), fmt(q.max)]),
    ),
    '',
    markdownTable(
      ['service', 'instances', 'max lag (committed)', 'max lag (/metrics)', 'output/s'],
      Object.keys(resources.lagMax).map((s) => [s, run.instances[s], resources.lagMax[s], resources.metricsLagMax[s], fmt(throughputPerSecond(result.outputTimes[s]), 1)]),
    ),
    '',
    markdownTable(
      ['process', 'CPU s', 'CPU % of wall', 'children CPU s (git)', 'max RSS MiB'],
      resources.processes.map((p) => [p.name, fmt(p.cpuSeconds, 1), fmt((100 * p.cpuSeconds) / resources.wallSeconds), fmt(p.childCpuSeconds, 1), p.rssMaxMiB]),
    ),
  );
  if (l.examples.length > 0) lines.push('', 'incomplete releases (first 10):', ...l.examples.map((e) => `  ${e}`));
  if (run.deliveryErrors.length > 0) lines.push('', 'delivery errors (first 10):', ...run.deliveryErrors.slice(0, 10).map((e) => `  ${e}`));
  return lines.join('\n');
}

/** true when any accepted push was not fully processed (lost, duplicated, wrong outcome). */
export const hasLosses = (run) => run.result.losses.lost + run.result.losses.duplicate + run.result.losses.wrong > 0;

/** true when the intake refused a delivery (or did not answer it): reported apart from losses. */
export const hasRefusals = (run) => run.result.losses.refused > 0 || run.deliveryErrors.length > 0;
