#!/usr/bin/env node
// Per-message CPU cost of the pieces the backbone adds around kafkajs, without Kafka: the numbers
// behind the hot spots in docs/benchmarks.md. In-process micro-benchmark, so read the relative
// sizes, not the absolute microseconds (they move with load on a shared machine).
//   npx tsc -b libs/messaging/tsconfig.lib.json && node tools/bench/backbone/codec-costs.mjs [--messages N] [--rounds R] [--json]
import { ScmEvents, decodeEvent, encodeEvent, exampleScmPush } from '@portcullis/contracts';
import { childOf, formatTraceparent, newTraceContext, parseTraceparent, runWithTrace } from '@portcullis/observability';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Histogram, Registry } from 'prom-client';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  process.stdout.write('Usage: node tools/bench/backbone/codec-costs.mjs [--messages N] [--rounds R] [--json]\n');
  process.exit(0);
}
const N = Number(args.messages);
const ROUNDS = Number(args.rounds);

// ~1 KiB push bodies, as tools/bench/backbone/run.mjs makes them.
const bodies = Array.from({ length: N }, (_, i) => {
  const hex = (seed) => (seed.toString(16).padStart(8, '0').repeat(5)).slice(0, 40);
  const body = exampleScmPush({
    deliveryId: randomUUID(),
    repository: { provider: 'github', owner: `team-${i % 23}`, name: `service-${i % 200}` },
    before: hex(i + 1),
    after: hex(i + 2),
    commits: [
      { sha: hex(i + 3), title: 'Add payment webhook handler with signature checks', author: 'Mona Lisa Octocat' },
      { sha: hex(i + 4), title: 'Bump chart version and pin the image digest', author: 'Hubot' },
      { sha: hex(i + 2), title: `Fix flaky retry test (#${1000 + (i % 9000)})`, author: 'Mona Lisa Octocat' },
    ],
    totalCommits: 3,
    changedPaths: ['src/payments/webhook.ts', 'src/payments/webhook.spec.ts', 'deploy/k8s/deployment.yaml', 'charts/shop/Chart.yaml', 'src/retry/.ts'],
  });
  body.changedPaths[4] = `src/retry/${'x'.repeat(Math.max(0, 1024 - Buffer.byteLength(JSON.stringify(body))))}.ts`;
  return body;
});
const metadata = { source: '/portcullis/bench' };
const encoded = bodies.map((b) => encodeEvent(ScmEvents, b, { ...metadata, traceparent: formatTraceparent(newTraceContext()) }));
// As kafkajs hands them to a consumer: header values are Buffers, the value a Buffer.
const asConsumed = encoded.map((e) => ({
  value: Buffer.from(e.value),
  headers: Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k, Buffer.from(v)])),
}));
const strings = encoded.map((e) => e.value.toString('utf8'));
const parent = newTraceContext();
const registry = new Registry();
const histogram = new Histogram({ name: 'h', help: 'h', labelNames: ['topic', 'group'], registers: [registry], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600] });
const child = histogram.labels('scm.events', 'bench');

let sink = 0;
const cases = {
  'JSON.parse (raw consumer)': (i) => (sink += JSON.parse(strings[i]).kind.length),
  'JSON.stringify (raw producer)': (i) => (sink += JSON.stringify(bodies[i]).length),
  'zod safeParse of the body': (i) => (sink += ScmEvents.schema.safeParse(bodies[i]).success ? 1 : 0),
  'decodeEvent (headers + JSON + zod)': (i) => (sink += decodeEvent(ScmEvents, asConsumed[i]).ok ? 1 : 0),
  'encodeEvent (zod + JSON + headers)': (i) => (sink += encodeEvent(ScmEvents, bodies[i], metadata).value.length),
  'newTraceContext (publish, no trace)': () => (sink += newTraceContext().spanId.length),
  'childOf (publish inside a trace)': () => (sink += childOf(parent).spanId.length),
  'randomUUID (ce_id)': () => (sink += randomUUID().length),
  'parseTraceparent (consume)': (i) => (sink += parseTraceparent(encoded[i].headers.traceparent)?.traceFlags ?? 0),
  'runWithTrace (AsyncLocalStorage.run)': () => (sink += runWithTrace(parent, () => 1)),
  'AbortController + listener + setTimeout/clear': () => {
    const c = new AbortController();
    const onAbort = () => c.abort();
    process.on('__never', onAbort);
    const t = setTimeout(onAbort, 900_000);
    clearTimeout(t);
    process.off('__never', onAbort);
    sink += c.signal.aborted ? 1 : 0;
  },
  'histogram.observe({topic, group}, v)': () => histogram.observe({ topic: 'scm.events', group: 'bench' }, 0.0001),
  'histogram child (labels cached).observe(v)': () => child.observe(0.0001),
};

const results = {};
for (const [name, fn] of Object.entries(cases)) {
  const perMessage = [];
  for (let r = 0; r < ROUNDS + 1; r += 1) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i += 1) fn(i);
    const us = Number(process.hrtime.bigint() - t0) / 1000 / N;
    if (r > 0) perMessage.push(us); // round 0 warms the JIT
  }
  perMessage.sort((a, b) => a - b);
  results[name] = { medianUs: perMessage[Math.floor(perMessage.length / 2)], minUs: perMessage[0], maxUs: perMessage.at(-1) };
}
if (args.json) {
  process.stdout.write(`${JSON.stringify({ node: process.version, messages: N, rounds: ROUNDS, bodyBytes: encoded[0].value.length, results }, null, 2)}\n`);
} else {
  process.stdout.write(`${N} messages × ${ROUNDS} rounds, body ${encoded[0].value.length} B, ${Object.keys(encoded[0].headers).length} headers; µs per message, median [min–max]\n`);
  process.stdout.write('| operation | µs/message |\n|---|---:|\n');
  for (const [name, r] of Object.entries(results)) process.stdout.write(`| ${name} | ${r.medianUs.toFixed(2)} [${r.minUs.toFixed(2)}–${r.maxUs.toFixed(2)}] |\n`);
}
if (sink === 42) process.stdout.write('\n');
