#!/usr/bin/env node
// End-to-end benchmark: the whole pipeline (five services, built) on the local stack, driven by
// the load generator (tools/loadgen): issue 8's targets on this machine, then which service is the
// bottleneck and how its throughput scales from 1 to 2 instances with everything else fixed.
//   npx tsc -b tsconfig.build.json && npx tsc -b libs/pipeline/tsconfig.lib.json
//   set -a; . .stack/env; set +a
//   node tools/bench/e2e/run.mjs [--phases targets,small,scaling] [--json]
import { AuditResults } from '@portcullis/contracts';
import { loadOptionsFrom, loadRouting, PipelineObserver, prepareLoad, sampleProcess, sendLoad, startPipeline, throughputPerSecond } from '@portcullis/pipeline';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hasLosses, hasRefusals, markdownTable, ROOT, runLoad, summaryText } from '../../loadgen/loadgen.mjs';
import { fmt, machineInfo, progressLog } from '../bench-lib.mjs';

const HELP = `End-to-end benchmark (the five services + stand-ins on the local stack, through tools/loadgen).

Usage: node tools/bench/e2e/run.mjs [options]
  (build first: npx tsc -b tsconfig.build.json; npx tsc -b libs/pipeline/tsconfig.lib.json
   needs the local stack: tools/stack/stack up; set -a; . .stack/env; set +a)

Phases (--phases, comma-separated, default targets,small,scaling):
  targets   --repos repositories (default 1000), one push each at --rate (default 20/s), 10 %
            with a planted secret, 30 % shipping an image, 5 % deploying: every release must be
            fully processed (audited, scanned, gated, notified; deployed for the 5 %), zero losses.
  small     small commits only (no image, no finding) for --small-duration (default 60s) at
            --small-rate (default 20/s): p99 push accepted -> final Slack root (target < 5 s);
            then the same at --steady-rate (default 2/s), a rate the pipeline keeps up with.
  scaling   --scaling-repos pushes (default 300; 10 % findings, 30 % images, no deploys) at
            --scaling-rate (default 50/s, above what the pipeline drains) with one instance of
            each service: the bottleneck is the service whose largest committed backlog takes the
            longest to drain at its own output rate (backlog / outputs per s); then
            the same with 2 instances of it (--scaling-service to name it), everything else fixed.
            Its throughput (its outputs per second while it has a backlog) 2 vs 1 (target >= 1.5x).
  isolated  the secret-auditor alone (only the intake and it run): --isolated-repos pushes
            (default 600; 10 % findings, no images) are queued on scm.events first, then 1
            (and, in a second run, 2) auditor instances start and work the backlog off; its
            audits/s between the first and the last audit, 2 vs 1. With the other four services
            on the same two cores the in-pipeline ratio measures the machine, not the service.

Options:
  --phases LIST  --repos N  --rate R  --small-duration D  --small-rate R  --steady-rate R
  --scaling-repos N  --scaling-rate R  --scaling-service S  --isolated-repos N
  --json         print the JSON report on stdout (default: Markdown for docs/benchmarks.md)
  --out FILE     also write the JSON report to FILE
  -h, --help     this text

No baseline run of another tool exists for a whole pipeline; the baselines here are the same
pipeline at a rate it keeps up with (small) and with one instance (scaling).`;

const { values: args } = parseArgs({
  options: {
    phases: { type: 'string', default: 'targets,small,scaling' },
    repos: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '20' },
    'small-duration': { type: 'string', default: '60s' },
    'small-rate': { type: 'string', default: '20' },
    'steady-rate': { type: 'string', default: '2' },
    'scaling-repos': { type: 'string', default: '300' },
    'scaling-rate': { type: 'string', default: '50' },
    'scaling-service': { type: 'string' },
    'isolated-repos': { type: 'string', default: '600' },
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

const progress = progressLog('e2e-bench');
const phases = new Set(args.phases.split(',').map((p) => p.trim()));
const report = { machine: machineInfo(ROOT, { kafkajs: 'kafkajs' }), command: `node tools/bench/e2e/run.mjs ${process.argv.slice(2).join(' ')}`.trim(), phases: {} };
const md = [];
const strip = (run) => ({ ...run, result: { ...run.result, outputTimes: undefined, releases: undefined } });
const uptime = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function phase(name, options, extra = {}) {
  progress(`--- ${name}: ${options.repos} pushes at ${options.rate}/s, instances ${JSON.stringify(options.instances)} (load average ${uptime()})`);
  const run = await runLoad(options, { label: 'e2e', progress, ...extra });
  progress(`--- ${name} done: ${run.result.losses.complete}/${run.result.losses.releases} complete (load average ${uptime()})`);
  // Each phase's summary as soon as it is known: a long run interrupted later keeps what it measured.
  process.stderr.write(`${summaryText(run)}\n`);
  report.phases[name] = strip(run);
  md.push(`#### ${name}: ${options.repos} pushes at ${options.rate}/s`, '', '```', summaryText(run), '```', '');
  return run;
}

let failed = false;
if (phases.has('targets')) {
  const run = await phase('targets', loadOptionsFrom({ repos: args.repos, rate: args.rate, findings: '10%', images: '30%', deploy: '5%' }));
  failed ||= hasLosses(run) || hasRefusals(run);
}
if (phases.has('small')) {
  const fast = await phase('small commits at the target rate', loadOptionsFrom({ duration: args['small-duration'], rate: args['small-rate'], findings: '0', images: '0', deploy: '0' }));
  const steady = await phase('small commits at a steady rate', loadOptionsFrom({ duration: args['small-duration'], rate: args['steady-rate'], findings: '0', images: '0', deploy: '0' }));
  failed ||= hasLosses(fast) || hasLosses(steady);
}
if (phases.has('scaling')) {
  const base = { repos: args['scaling-repos'], rate: args['scaling-rate'], findings: '10%', images: '30%', deploy: '0' };
  const one = await phase('scaling, 1 instance each', loadOptionsFrom(base));
  const consumers = ['secret-auditor', 'image-scanner', 'deploy-orchestrator', 'notifier'];
  const lag = one.resources.lagMax;
  // Messages per release differ per service (the notifier reads every topic), so a raw backlog
  // does not compare; the seconds its backlog takes to drain at its own output rate do.
  const outRate = (s) => throughputPerSecond(one.result.outputTimes[s]) ?? 0;
  const drainSeconds = Object.fromEntries(consumers.map((s) => [s, outRate(s) > 0 ? lag[s] / outRate(s) : 0]));
  const service = args['scaling-service'] ?? consumers.reduce((a, b) => (drainSeconds[b] > drainSeconds[a] ? b : a));
  progress(`bottleneck by backlog / output rate: ${service} (${consumers.map((s) => `${s} ${lag[s]} msgs / ${fmt(outRate(s), 1)}/s = ${fmt(drainSeconds[s], 0)} s`).join(', ')})`);
  const two = await phase(`scaling, 2× ${service}`, loadOptionsFrom({ ...base, instances: `${service}=2` }));
  const rate = (run) => throughputPerSecond(run.result.outputTimes[service]);
  const [r1, r2] = [rate(one), rate(two)];
  const cpu = (run) => run.resources.processes.filter((p) => p.name.startsWith(`${service}#`)).reduce((a, p) => a + p.cpuSeconds, 0);
  report.scaling = { service, lagMax: lag, drainSeconds, throughput1: r1, throughput2: r2, ratio: r1 && r2 ? r2 / r1 : null, cpuSeconds1: cpu(one), cpuSeconds2: cpu(two), wall1: one.resources.wallSeconds, wall2: two.resources.wallSeconds };
  md.push(
    '#### scaling',
    '',
    markdownTable(
      ['instances of ' + service, `${service} outputs/s`, 'CPU s of its instances', 'run wall s', 'releases/s completed'],
      [
        ['1', fmt(r1, 2), fmt(cpu(one), 1), fmt(one.resources.wallSeconds, 0), fmt(one.result.completedPerSecond, 2)],
        ['2', fmt(r2, 2), fmt(cpu(two), 1), fmt(two.resources.wallSeconds, 0), fmt(two.result.completedPerSecond, 2)],
      ],
    ),
    '',
    `ratio 2/1: ${fmt(report.scaling.ratio, 2)} (target >= 1.5)`,
    '',
  );
  failed ||= hasLosses(one) || hasLosses(two);
}
/** Busy and total jiffies of all CPUs (`/proc/stat`'s first line; idle + iowait are not busy). */
function machineCpu() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  return { busy: total - fields[3] - fields[4], total };
}

/** The auditor alone on a queued backlog: audits per second with `instances` instances. */
async function isolatedAuditor(instances, repos) {
  const owner = `t-e2e-iso-${Date.now().toString(36)}`;
  const none = { 'secret-auditor': 0, 'image-scanner': 0, 'deploy-orchestrator': 0, notifier: 0 };
  const pipeline = await startPipeline({ label: 'e2e-iso', owner, build: false, instances: { 'webhook-intake': 1, ...none }, routing: loadRouting(owner, 1), onProgress: progress });
  const observer = await PipelineObserver.start(pipeline.kafka, pipeline.prefix);
  try {
    const options = loadOptionsFrom({ repos: String(repos), rate: '200', findings: '10%', images: '0', deploy: '0' });
    const prepared = await prepareLoad(pipeline, options, progress);
    const sent = await sendLoad(pipeline, prepared, 200, progress);
    const accepted = sent.filter((s) => s.error === undefined).length;
    progress(`isolated: ${accepted} pushes queued on scm.events; starting ${instances} secret-auditor instance(s) (load average ${uptime()})`);
    const loadBefore = uptime();
    await Promise.all(Array.from({ length: instances }, () => pipeline.addInstance('secret-auditor')));
    const machineBefore = machineCpu();
    const audits = () => {
      const seen = new Map();
      for (const e of observer.events()) if (e.topic === AuditResults.name && e.body.kind === 'audit.completed') seen.set(e.body.releaseId, e.seenAt);
      return seen;
    };
    await observer.waitFor(() => (audits().size >= accepted ? true : undefined), 900_000, () => `${audits().size}/${accepted} audits`);
    const machineAfter = machineCpu();
    const times = [...audits().values()].sort((a, b) => a - b);
    const pids = pipeline.instances('secret-auditor').map((i) => i.child.pid);
    // Where the two cores went while the backlog was worked off: the auditor's own CPU, the git
    // processes it spawned (reaped children), and the whole machine (the git server answering the
    // fetches, Kafka, Redis, the intake included).
    const samples = pids.map((pid) => sampleProcess(pid)).filter((sample) => sample !== undefined);
    // /proc/stat has been seen to read back unusable here once (NaN): then no figure rather than a wrong one.
    const busyShare = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
    const busy = Number.isFinite(busyShare) ? busyShare : undefined;
    return {
      instances,
      audits: times.length,
      perSecond: throughputPerSecond(times),
      spanSeconds: (times.at(-1) - times[0]) / 1000,
      pids: pids.length,
      auditorCpuSeconds: samples.reduce((sum, sample) => sum + sample.cpuSeconds, 0),
      auditorChildCpuSeconds: samples.reduce((sum, sample) => sum + sample.childCpuSeconds, 0),
      machineBusyCores: busy === undefined ? undefined : busy * Number(report.machine?.nproc ?? 2),
      loadavg: { before: loadBefore, after: uptime() },
    };
  } finally {
    await observer.stop();
    await pipeline.stop();
  }
}

if (phases.has('isolated')) {
  const repos = Number(args['isolated-repos']);
  const one = await isolatedAuditor(1, repos);
  const two = await isolatedAuditor(2, repos);
  report.isolated = { one, two, ratio: one.perSecond && two.perSecond ? two.perSecond / one.perSecond : null };
  md.push(
    `#### isolated: the secret-auditor alone on ${repos} queued pushes`,
    '',
    markdownTable(
      ['secret-auditor instances', 'audits', 'audits/s (first → last audit)', 'span s', 'auditor CPU s (own + git children)', 'machine busy (cores of 2)', 'load average before → after'],
      [one, two].map((r) => [
        String(r.instances),
        String(r.audits),
        fmt(r.perSecond, 2),
        fmt(r.spanSeconds, 1),
        `${fmt(r.auditorCpuSeconds, 1)} + ${fmt(r.auditorChildCpuSeconds, 1)}`,
        fmt(r.machineBusyCores, 2),
        `${r.loadavg.before} → ${r.loadavg.after}`,
      ]),
    ),
    '',
    `ratio 2/1: ${fmt(report.isolated.ratio, 2)} (target >= 1.5)`,
    '',
  );
}
report.loadavgEnd = uptime();
const json = JSON.stringify(report, null, 2);
if (args.out) writeFileSync(resolve(args.out), json);
if (args.json) process.stdout.write(`${json}\n`);
else process.stdout.write(`machine: ${JSON.stringify(report.machine)}\ncommand: ${report.command}\n\n${md.join('\n')}\nload average at the end: ${report.loadavgEnd}\n`);
process.exit(failed ? 1 : 0);
