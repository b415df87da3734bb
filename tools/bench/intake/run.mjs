#!/usr/bin/env node
// Webhook intake throughput: apps/webhook-intake (HMAC verify, Redis dedupe and rate limits, Kafka
// publish with acks=all, 202) against a bare node:http server that only verifies the same HMAC, in
// the same run, alternating, with autocannon in its own process.
//   npx tsc -b apps/webhook-intake/tsconfig.lib.json
//   set -a; . .stack/env; set +a
//   node tools/bench/intake/run.mjs [--duration 20] [--connections 50] [--repeat 3] [--json]
// kafkajs only through @portcullis/messaging (createKafkaClient's admin reads offsets and deletes
// the bench topics); Redis keys are removed with redis-cli (SCAN + UNLINK on the bench prefix).
import { allTopicSpecs } from '@portcullis/contracts';
import { createKafkaClient, ensureTopics } from '@portcullis/messaging';
import { execFileSync, fork, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { progressLog, retrying as retryingWith, sleep, spread } from '../bench-lib.mjs';
import { signedPushPayload } from './payload.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const INTAKE_MAIN = join(ROOT, 'apps/webhook-intake/dist/main.js');

const HELP = `Webhook intake benchmark (apps/webhook-intake vs a bare HMAC-verifying node:http server, same run).

Usage: node tools/bench/intake/run.mjs [options]
  (build first: npx tsc -b apps/webhook-intake/tsconfig.lib.json;
   needs KAFKA_BROKERS and REDIS_URL, e.g. set -a; . .stack/env; set +a; redis-cli on PATH)

Options:
  --duration S         seconds per max-throughput measurement (default 20)
  --half-duration S    seconds per half-load latency measurement (default = --duration)
  --connections C      autocannon connections, both phases (default 50)
  --rate R             fixed total req/s for the latency phase of every target, instead of half
                       of that target's measured max in the same repeat
  --stagger K          split the latency phase over K autocannon instances started 1000/K ms apart,
                       so autocannon's once-per-second bursts are spread (default 10; 1 = plain
                       autocannon overallRate)
  --repeat R           repeats; targets alternate order between repeats (default 3)
  --warmup S           untimed max-load seconds per target before the first repeat (default 5, 0 = none)
  --targets LIST       bare,intake (default); add 'floor' for the least any intake must do (HMAC,
                       JSON.parse, one Redis claim, Kafka produce with acks=all; floor-server.mjs),
                       which bounds the ratio any implementation can reach on this machine.
                       'bare' alone tests the harness without the app
  --partitions P       partitions of the bench scm.events topic (default: its spec in @portcullis/contracts)
  --profile DIR        run the intake under node --cpu-prof (whole process, written at shutdown) into
                       DIR; profiled runs are slower, do not report their numbers
  --keep               keep the bench topics and Redis keys (for inspection)
  --json               print the results as JSON on stdout instead of tables
  --out FILE           also write the JSON results to FILE
  -h, --help           this text

Per repeat and target: (a) max throughput: --connections closed-loop connections for --duration s,
rate = 202 responses / s; (b) half load: total rate = half of (a)'s rate, --half-duration s,
p50/p99 latency of every response (ms, request written to response parsed, as autocannon measures).
Every request has a fresh X-GitHub-Delivery (UUID) and the same valid X-Hub-Signature-256; any
answer other than 202 is counted as an error. After every intake measurement the events on the
bench topic (sum of high-watermark deltas) are compared with the 202s. Progress goes to stderr.`;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    'half-duration': { type: 'string' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string' },
    stagger: { type: 'string', default: '10' },
    repeat: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '5' },
    targets: { type: 'string', default: 'bare,intake' },
    partitions: { type: 'string' },
    profile: { type: 'string' },
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

const DURATION = Number(args.duration);
const HALF_DURATION = Number(args['half-duration'] ?? args.duration);
const CONNECTIONS = Number(args.connections);
const FIXED_RATE = args.rate ? Number(args.rate) : null;
const STAGGER = Number(args.stagger);
const REPEAT = Number(args.repeat);
const WARMUP = Number(args.warmup);
const TARGETS = args.targets.split(',').map((s) => s.trim()).filter(Boolean);
for (const t of TARGETS) if (!['bare', 'floor', 'intake'].includes(t)) throw new Error(`unknown target ${t}`);
const BROKERS = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const REDIS_URL = process.env.REDIS_URL;
const RUN_ID = `bench-${randomBytes(4).toString('hex')}`;
const TOPIC_PREFIX = `${RUN_ID}-`;
const REDIS_PREFIX = `${RUN_ID}:`;
const SOURCE_ID = 'bench-github';
const SECRET = randomBytes(32).toString('hex');
const EVENTS_TOPIC = 'scm.events';

const progress = progressLog('intake-bench');
const retrying = (what, fn, ms = 60_000) => retryingWith(what, fn, { ms, log: progress });
const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };


function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- targets

/** The baseline server as a child process; resolves with its URL once it listens. */
async function startBare() {
  const port = await freePort();
  const child = fork(join(HERE, 'bare-server.mjs'), [], {
    env: { ...process.env, BENCH_WEBHOOK_SECRET: SECRET, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise((resolve, reject) => {
    child.once('message', (m) => (m?.type === 'listening' ? resolve() : reject(new Error(`bare server: ${JSON.stringify(m)}`))));
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return { name: 'bare', url: `http://127.0.0.1:${port}`, path: `/v1/webhooks/${SOURCE_ID}`, child };
}

/** The floor server (floor-server.mjs) as a child, producing to the bench topic. */
async function startFloor() {
  const port = await freePort();
  const child = fork(join(HERE, 'floor-server.mjs'), [], {
    env: { ...process.env, BENCH_WEBHOOK_SECRET: SECRET, PORT: String(port), BENCH_TOPIC: `${TOPIC_PREFIX}${EVENTS_TOPIC}`, BENCH_REDIS_PREFIX: `${REDIS_PREFIX}floor:` },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise((resolve, reject) => {
    child.once('message', (m) => (m?.type === 'listening' ? resolve() : reject(new Error(`floor server: ${JSON.stringify(m)}`))));
    child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
  });
  return { name: 'floor', url: `http://127.0.0.1:${port}`, path: `/v1/webhooks/${SOURCE_ID}`, child };
}

/**
 * The sources file the intake reads (WEBHOOK_SOURCES_FILE): one GitHub source whose secret comes
 * from the environment, with rate limits far above anything this machine can send, so the bench
 * measures verification, dedupe and publishing rather than 429s (the limiter's Redis calls still run).
 */
function writeSourcesFile(dir) {
  const file = join(dir, 'webhook-sources.json');
  const sources = {
    sources: [
      {
        id: SOURCE_ID,
        provider: 'github',
        secrets: [{ env: 'BENCH_WEBHOOK_SECRET' }],
        baseUrl: 'https://github.com',
        rateLimit: { perMinute: 100_000_000, perRepositoryPerMinute: 100_000_000 },
      },
    ],
  };
  writeFileSync(file, `${JSON.stringify(sources, null, 2)}\n`);
  return file;
}

async function startIntake(dir) {
  if (!existsSync(INTAKE_MAIN)) throw new Error(`${INTAKE_MAIN} missing: build first (npx tsc -b apps/webhook-intake/tsconfig.lib.json)`);
  const port = await freePort();
  const nodeArgs = [];
  if (args.profile) {
    mkdirSync(resolve(args.profile), { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${resolve(args.profile)}`, `--cpu-prof-name=intake-${RUN_ID}.cpuprofile`);
  }
  const env = {
    ...process.env,
    PORT: String(port),
    KAFKA_BROKERS: BROKERS.join(','),
    REDIS_URL,
    KAFKA_TOPIC_PREFIX: TOPIC_PREFIX,
    REDIS_KEY_PREFIX: REDIS_PREFIX,
    LOG_LEVEL: 'warn',
    WEBHOOK_SOURCES_FILE: writeSourcesFile(dir),
    WEBHOOK_SOURCE_RATE_PER_MINUTE: '100000000',
    WEBHOOK_REPOSITORY_RATE_PER_MINUTE: '100000000',
    BENCH_WEBHOOK_SECRET: SECRET,
  };
  const logFile = join(dir, 'intake.log');
  const child = spawn(process.execPath, [...nodeArgs, INTAKE_MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  const keep = (chunk) => {
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = { code, signal };
    writeFileSync(logFile, log.join(''));
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`intake exited during start-up (${JSON.stringify(exited)}):\n${log.join('').slice(-3000)}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`intake not ready after 90 s:\n${log.join('').slice(-3000)}`);
    await sleep(250);
  }
  return { name: 'intake', url, path: `/v1/webhooks/${SOURCE_ID}`, child, log, exitedRef: () => exited };
}

async function stopChild(child, ms = 20_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), ms);
  await done;
  clearTimeout(t);
}

// ---------------------------------------------------------------- load

function runLoad(job) {
  return new Promise((resolve, reject) => {
    const child = fork(join(HERE, 'load.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answered = false;
    child.once('message', (m) => {
      answered = true;
      if (m.ok) resolve(m.result);
      else reject(new Error(`load generator: ${m.error}`));
    });
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`load generator exited with ${code}`));
    });
    child.send(job);
  });
}

/** One request by hand: expected status for a valid, a replayed and a badly signed delivery. */
async function sanity(target, body, signature) {
  const post = (delivery, sig) =>
    fetch(`${target.url}${target.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': sig },
      body,
    });
  const id = randomUUID();
  const first = await post(id, signature);
  const firstBody = await first.text();
  const replay = await post(id, signature);
  await replay.text();
  const bad = await post(randomUUID(), `sha256=${'0'.repeat(64)}`);
  await bad.text();
  const result = { valid: first.status, replay: replay.status, badSignature: bad.status };
  progress(`${target.name} sanity: valid → ${first.status}${first.status !== 202 ? ` ${firstBody.slice(0, 300)}` : ''}, replayed delivery → ${replay.status}, bad signature → ${bad.status}`);
  if (first.status !== 202) throw new Error(`${target.name} answered ${first.status} to a valid signed push: ${firstBody.slice(0, 500)}`);
  if (bad.status < 400) throw new Error(`${target.name} accepted a bad signature (${bad.status})`);
  return { ...result, accepted: 1 };
}

// ---------------------------------------------------------------- Kafka / Redis

let kafka;
async function topicEvents(admin, topic) {
  const offsets = await retrying('fetchTopicOffsets', () => admin.fetchTopicOffsets(topic));
  return offsets.reduce((s, p) => s + Number(p.high), 0);
}

async function cleanup() {
  if (kafka) await retrying('topic cleanup', cleanupKafka, 120_000);
  cleanupRedis();
}

async function cleanupKafka() {
  {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(TOPIC_PREFIX));
      if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(TOPIC_PREFIX));
      if (groups.length > 0) await admin.deleteGroups(groups);
      progress(`deleted ${topics.length} topics and ${groups.length} groups with prefix ${TOPIC_PREFIX}`);
    } finally {
      await admin.disconnect();
    }
  }
}

function cleanupRedis() {
  if (REDIS_URL) {
    let deleted = 0;
    const keys = execFileSync('redis-cli', ['-u', REDIS_URL, '--scan', '--pattern', `${REDIS_PREFIX}*`], { maxBuffer: 1 << 30 })
      .toString()
      .split('\n')
      .filter(Boolean);
    for (let i = 0; i < keys.length; i += 500) {
      execFileSync('redis-cli', ['-u', REDIS_URL, 'UNLINK', ...keys.slice(i, i + 500)]);
      deleted += Math.min(500, keys.length - i);
    }
    progress(`deleted ${deleted} Redis keys with prefix ${REDIS_PREFIX}`);
  }
}

// ---------------------------------------------------------------- machine

function machine() {
  const sh = (cmd, a) => {
    try {
      return execFileSync(cmd, a, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
      return null;
    }
  };
  const pkgVersion = (name) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return null;
    }
  };
  const redisInfo = REDIS_URL ? sh('redis-cli', ['-u', REDIS_URL, 'INFO', 'server']) : null;
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    autocannon: pkgVersion('autocannon'),
    kafkajs: pkgVersion('kafkajs'),
    fastify: pkgVersion('fastify'),
    redis: redisInfo?.match(/redis_version:(\S+)/)?.[1] ?? null,
    loadavgStart: loadavg().map((x) => x.toFixed(2)).join(' '),
    date: new Date().toISOString(),
  };
}

// ---------------------------------------------------------------- CPU (Linux /proc)

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a process has used so far, or null off Linux. */
function processCpu(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine (all cores). */
function machineCpu() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = line[3] + (line[4] ?? 0);
    const total = line.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Runs fn and reports the target's CPU use (cores) and the machine's busy share meanwhile. */
async function withCpu(pid, fn) {
  const p0 = processCpu(pid);
  const m0 = machineCpu();
  const t0 = performance.now();
  const result = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const p1 = processCpu(pid);
  const m1 = machineCpu();
  result.targetCores = p0 == null || p1 == null ? null : (p1 - p0) / seconds;
  result.machineBusy = m0 && m1 ? (m1.busy - m0.busy) / (m1.total - m0.total) : null;
  return result;
}

// ---------------------------------------------------------------- main

async function measureTarget(target, repeat, admin, label) {
  const before = target.name === 'intake' ? await topicEvents(admin, target.topic) : null;
  const max = await withCpu(target.child.pid, () => runLoad({ url: target.url, path: target.path, secret: SECRET, mode: 'max', durationS: label === 'warm' ? WARMUP : DURATION, connections: CONNECTIONS }));
  let check = null;
  const verify = async (phase, r, start) => {
    if (target.name !== 'intake') return null;
    await sleep(1500); // abandoned in-flight requests at autocannon's stop may still be published
    const after = await topicEvents(admin, target.topic);
    const events = after - start;
    // 202 only after Kafka acked: every 202 is an event. Requests still in flight when autocannon
    // stopped (it destroys the sockets) can be published without their 202 being counted.
    const inFlightAtStop = Math.max(0, r.requestsBuilt - r.responses - r.errors);
    // exact: every 202 is one event, and so is every request abandoned in flight (published, answer unread).
    const c = { phase, events, ok202: r.ok202, inFlightAtStop, ok: events >= r.ok202 && events <= r.ok202 + inFlightAtStop, exact: events === r.ok202 + inFlightAtStop };
    progress(`  ${phase}: ${events} events on ${target.topic} for ${r.ok202} × 202 + ${inFlightAtStop} requests abandoned in flight at stop → ${c.exact ? 'exact' : c.ok ? 'consistent (some abandoned requests not published)' : 'MISMATCH'}`);
    return { c, after };
  };
  const v1 = await verify('max', max, before);
  progress(`${label} ${target.name} max: ${max.rate202.toFixed(0)} req/s (202), p50 ${max.latencyMs.p50?.toFixed(1)} ms, p99 ${max.latencyMs.p99?.toFixed(1)} ms, non-202 ${max.non202} ${JSON.stringify(max.status)}, errors ${max.errors}, timeouts ${max.timeouts}, ${target.name} ${max.targetCores?.toFixed(2)} cores, machine ${(100 * max.machineBusy).toFixed(0)} % busy`);
  if (label === 'warm') return null;
  const rate = FIXED_RATE ?? Math.max(1, Math.floor(max.rate202 / 2));
  const half = await withCpu(target.child.pid, () => runLoad({ url: target.url, path: target.path, secret: SECRET, mode: 'rate', durationS: HALF_DURATION, connections: CONNECTIONS, rate, stagger: STAGGER }));
  const v2 = await verify('half', half, v1?.after);
  progress(`${label} ${target.name} half (${rate} req/s): got ${half.rate202.toFixed(0)} req/s, p50 ${half.latencyMs.p50?.toFixed(1)} ms, p99 ${half.latencyMs.p99?.toFixed(1)} ms, max ${half.latencyMs.max?.toFixed(1)} ms, non-202 ${half.non202}, errors ${half.errors}, ${target.name} ${half.targetCores?.toFixed(2)} cores, machine ${(100 * half.machineBusy).toFixed(0)} % busy`);
  check = [v1?.c, v2?.c].filter(Boolean);
  return { target: target.name, repeat, max, half, halfRate: rate, kafkaCheck: check, loadavg: loadavg()[0] };
}

async function main() {
  const facts = machine();
  const { body, signature, example } = signedPushPayload(SECRET);
  progress(`run ${RUN_ID}: targets ${TARGETS.join(',')}, ${REPEAT} repeats, ${DURATION} s max + ${HALF_DURATION} s half load, ${CONNECTIONS} connections, stagger ${STAGGER}`);
  progress(`body: ${example}, ${body.length} bytes; node ${facts.node}, ${facts.nproc} cpus, load ${facts.loadavgStart}`);
  const dir = mkdtempSync(join(tmpdir(), `${RUN_ID}-`));
  const targets = {};
  const results = [];
  const sanityResults = {};
  let admin;
  let failed = false;
  try {
    if (TARGETS.includes('intake') || TARGETS.includes('floor')) {
      if (BROKERS.length === 0 || !REDIS_URL) throw new Error('KAFKA_BROKERS and REDIS_URL are required (set -a; . .stack/env; set +a)');
      kafka = createKafkaClient({ brokers: BROKERS, clientId: RUN_ID, topicPrefix: TOPIC_PREFIX }, quietLogger);
      // The bench topic exists before the intake starts, with the partitions of its contract spec.
      const specs = allTopicSpecs().filter((s) => s.name === EVENTS_TOPIC || s.name.startsWith(`${EVENTS_TOPIC}.`));
      const spec = specs.find((s) => s.name === EVENTS_TOPIC);
      if (!spec) throw new Error(`no topic spec for ${EVENTS_TOPIC}`);
      if (args.partitions) spec.partitions = Number(args.partitions);
      await retrying('ensureTopics', () => ensureTopics(kafka, [spec], { topicPrefix: TOPIC_PREFIX, logger: quietLogger }));
      facts.partitions = spec.partitions;
      admin = kafka.admin();
      await admin.connect();
      progress(`topic ${TOPIC_PREFIX}${EVENTS_TOPIC} with ${spec.partitions} partitions`);
    }
    if (TARGETS.includes('intake')) {
      targets.intake = await startIntake(dir);
      targets.intake.topic = `${TOPIC_PREFIX}${EVENTS_TOPIC}`;
    }
    if (TARGETS.includes('floor')) targets.floor = await startFloor();
    if (TARGETS.includes('bare')) targets.bare = await startBare();
    for (const name of TARGETS) sanityResults[name] = await sanity(targets[name], body, signature);
    if (WARMUP > 0) for (const name of TARGETS) await measureTarget(targets[name], -1, admin, 'warm');
    for (let repeat = 0; repeat < REPEAT; repeat += 1) {
      const order = repeat % 2 === 0 ? TARGETS : [...TARGETS].reverse();
      for (const name of order) {
        const r = await measureTarget(targets[name], repeat, admin, `r${repeat + 1}/${REPEAT}`);
        results.push(r);
      }
    }
    if (targets.intake) {
      const total = await topicEvents(admin, targets.intake.topic);
      progress(`total events on ${targets.intake.topic}: ${total}`);
    }
  } catch (error) {
    failed = true;
    progress(`FAILED: ${error.stack ?? error}`);
  } finally {
    await admin?.disconnect().catch(() => {});
    if (targets.bare) await stopChild(targets.bare.child);
    if (targets.floor) await stopChild(targets.floor.child);
    if (targets.intake) {
      await stopChild(targets.intake.child);
      const code = targets.intake.exitedRef();
      progress(`intake stopped (${JSON.stringify(code)}); its log: ${join(dir, 'intake.log')}`);
      if (args.profile) progress(`CPU profile: ${resolve(args.profile)}/intake-${RUN_ID}.cpuprofile`);
    }
    if (!args.keep) {
      try {
        await cleanup();
      } catch (error) {
        progress(`cleanup failed: ${error.message}`);
      }
    }
  }
  facts.loadavgEnd = loadavg().map((x) => x.toFixed(2)).join(' ');
  const summary = summarise(results);
  const report = { runId: RUN_ID, facts, settings: { duration: DURATION, halfDuration: HALF_DURATION, connections: CONNECTIONS, stagger: STAGGER, repeat: REPEAT, warmup: WARMUP, fixedRate: FIXED_RATE, bodyBytes: body.length, example }, sanity: sanityResults, summary, results, failed };
  if (args.out) writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printTables(report);
  process.exitCode = failed ? 1 : 0;
}

function summarise(results) {
  const by = (t) => results.filter((r) => r && r.target === t);
  const out = {};
  for (const t of TARGETS) {
    const rs = by(t);
    if (rs.length === 0) continue;
    out[t] = {
      maxRate: spread(rs.map((r) => r.max.rate202)),
      maxP99: spread(rs.map((r) => r.max.latencyMs.p99)),
      halfRate: spread(rs.map((r) => r.half.rate202)),
      halfP50: spread(rs.map((r) => r.half.latencyMs.p50)),
      halfP99: spread(rs.map((r) => r.half.latencyMs.p99)),
      maxCores: spread(rs.map((r) => r.max.targetCores ?? NaN)),
      maxMachineBusy: spread(rs.map((r) => r.max.machineBusy ?? NaN)),
      halfCores: spread(rs.map((r) => r.half.targetCores ?? NaN)),
      non202: rs.reduce((s, r) => s + r.max.non202 + r.half.non202, 0),
      errors: rs.reduce((s, r) => s + r.max.errors + r.half.errors + r.max.timeouts + r.half.timeouts, 0),
      responses: rs.reduce((s, r) => s + r.max.responses + r.half.responses, 0),
      status: rs.reduce((acc, r) => {
        for (const s of [r.max.status, r.half.status]) for (const [k, v] of Object.entries(s)) acc[k] = (acc[k] ?? 0) + v;
        return acc;
      }, {}),
    };
  }
  if (out.bare && out.intake) {
    const ratios = [];
    for (let i = 0; i < REPEAT; i += 1) {
      const b = results.find((r) => r?.target === 'bare' && r.repeat === i);
      const n = results.find((r) => r?.target === 'intake' && r.repeat === i);
      if (b && n) ratios.push(n.max.rate202 / b.max.rate202);
    }
    out.ratio = spread(ratios);
    if (out.floor) {
      const floorRatios = [];
      for (let i = 0; i < REPEAT; i += 1) {
        const b = results.find((r) => r?.target === 'bare' && r.repeat === i);
        const f = results.find((r) => r?.target === 'floor' && r.repeat === i);
        if (b && f) floorRatios.push(f.max.rate202 / b.max.rate202);
      }
      out.floorRatio = spread(floorRatios);
    }
    const checks = results.filter((r) => r?.target === 'intake').flatMap((r) => r.kafkaCheck);
    out.kafka = { checks: checks.length, exact: checks.filter((c) => c.exact).length, consistent: checks.filter((c) => c.ok).length, events: checks.reduce((s, c) => s + c.events, 0), ok202: checks.reduce((s, c) => s + c.ok202, 0), abandoned: checks.reduce((s, c) => s + c.inFlightAtStop, 0) };
  }
  return out;
}

function printTables(report) {
  const { summary: s, facts, settings } = report;
  const f0 = (x) => (x == null ? '—' : Math.round(x).toLocaleString('en-US'));
  const f1 = (x) => (x == null ? '—' : x.toFixed(1));
  const f2 = (x) => (x == null || Number.isNaN(x) ? '—' : x.toFixed(2));
  const pct = (x) => (x == null || Number.isNaN(x) ? '—' : `${Math.round(100 * x)} %`);
  const cell = (sp, f) => `${f(sp.median)} [${f(sp.min)}–${f(sp.max)}]`;
  const out = [];
  out.push(`run ${report.runId}: ${facts.nproc} cpus (${facts.cpu}), ${facts.node}, redis ${facts.redis}, autocannon ${facts.autocannon}, load ${facts.loadavgStart} → ${facts.loadavgEnd}`);
  out.push(`${settings.repeat} repeats, ${settings.connections} connections, ${settings.duration} s max / ${settings.halfDuration} s half load, body ${settings.bodyBytes} B (${settings.example}); median [min–max]`);
  out.push('');
  out.push('| target | max req/s (202) | p99 at max, ms | half-load req/s | p50 at half, ms | p99 at half, ms | non-202 / responses | socket errors + timeouts | target CPU at max, cores | machine busy at max | target CPU at half, cores |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const t of TARGETS) {
    const x = s[t];
    if (!x) continue;
    out.push(`| ${t} | ${cell(x.maxRate, f0)} | ${cell(x.maxP99, f1)} | ${cell(x.halfRate, f0)} | ${cell(x.halfP50, f1)} | ${cell(x.halfP99, f1)} | ${x.non202} / ${x.responses} | ${x.errors} | ${cell(x.maxCores, f2)} | ${cell(x.maxMachineBusy, pct)} | ${cell(x.halfCores, f2)} |`);
  }
  if (s.ratio) {
    out.push('');
    out.push(`throughput ratio intake / bare (per repeat): ${cell(s.ratio, (x) => x.toFixed(2))}  (target ≥ 0.6, p99 at half load ≤ 50 ms)`);
    if (s.floorRatio) out.push(`throughput ratio floor / bare (per repeat): ${cell(s.floorRatio, (x) => x.toFixed(2))}  (the most any intake could reach here)`);
    out.push(`Kafka check: ${s.kafka.events} events for ${s.kafka.ok202} × 202 + ${s.kafka.abandoned} abandoned over ${s.kafka.checks} measurements (${s.kafka.exact} of them exactly 202s + abandoned in-flight requests, ${s.kafka.consistent} with 202s ≤ events ≤ 202s + abandoned)`);
  }
  for (const t of TARGETS) if (s[t]) out.push(`${t} status codes: ${JSON.stringify(s[t].status)}`);
  if (report.failed) out.push('\nFAILED — see stderr');
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
