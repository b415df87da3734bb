#!/usr/bin/env node
// Load generator of tools/bench/intake, in its own process (forked by run.mjs with an IPC channel):
// receives one job, runs autocannon, sends back the result and exits. Every request gets a fresh
// X-GitHub-Delivery (randomUUID, via setupRequest) and the one signature of the fixed body.
//
// Job: { url, secret, mode: 'max' | 'rate', durationS, connections, rate?, stagger? }
//   max   one autocannon instance, `connections` closed-loop connections, as fast as it goes
//   rate  open-ish loop at `rate` req/s total. autocannon's overallRate lets each connection send its
//         per-second quota back to back right after a 1 s tick, i.e. one burst per second. To spread
//         that, the rate is split over `stagger` instances (connections and rate divided evenly)
//         started 1000/stagger ms apart, so bursts come every 1000/stagger ms.
// Latency is taken from every response ('response' events, ms, all status codes), not from
// autocannon's histogram (which, with a rate, adds coordinated-omission samples with a 1 ms expected
// interval whatever the rate; ignoreCoordinatedOmission is set so its own numbers are raw too).
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { signedPushPayload } from './payload.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

async function runJob(job) {
  const { body, signature } = signedPushPayload(job.secret);
  const latencies = [];
  const statusCounts = {};
  let built = 0;
  let errors = 0;
  let timeouts = 0;
  const request = {
    method: 'POST',
    path: job.path,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/bench',
      'x-github-event': 'push',
      'x-github-hook-id': '1',
      'x-hub-signature-256': signature,
    },
    body,
    setupRequest(req) {
      built += 1;
      return { ...req, headers: { ...req.headers, 'x-github-delivery': randomUUID() } };
    },
  };
  const instances = job.mode === 'rate' ? Math.max(1, Math.min(job.stagger ?? 1, job.connections)) : 1;
  const split = (total, i) => Math.floor(total / instances) + (i < total % instances ? 1 : 0);
  const started = [];
  const t0 = performance.now();
  for (let i = 0; i < instances; i += 1) {
    if (i > 0) await sleep(1000 / instances);
    const opts = {
      url: job.url,
      connections: split(job.connections, i),
      pipelining: 1,
      duration: job.durationS - (i * 1) / instances, // all instances stop together
      timeout: 10,
      requests: [request],
      ...(job.mode === 'rate' ? { overallRate: Math.max(1, split(job.rate, i)), ignoreCoordinatedOmission: true } : {}),
    };
    const inst = autocannon(opts);
    inst.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    });
    inst.on('reqError', () => { errors += 1; });
    started.push(new Promise((resolve, reject) => inst.on('done', resolve).on('error', reject)));
  }
  const results = await Promise.all(started);
  const elapsedS = (performance.now() - t0) / 1000;
  for (const r of results) timeouts += r.timeouts ?? 0;
  latencies.sort((a, b) => a - b);
  const responses = latencies.length;
  const ok202 = statusCounts[202] ?? 0;
  return {
    mode: job.mode,
    connections: job.connections,
    targetRate: job.rate ?? null,
    instances,
    durationS: job.durationS,
    elapsedS,
    requestsBuilt: built,
    responses,
    status: statusCounts,
    ok202,
    non202: responses - ok202,
    errors,
    timeouts,
    // req/s of 202s over the configured duration (autocannon's own 'requests.average' is the same idea)
    rate202: ok202 / job.durationS,
    autocannonAverage: results.reduce((s, r) => s + (r.requests?.average ?? 0), 0),
    latencyMs: {
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? null,
      mean: responses ? latencies.reduce((s, x) => s + x, 0) / responses : null,
    },
  };
}

process.once('message', async (job) => {
  try {
    const result = await runJob(job);
    process.send({ ok: true, result }, () => process.exit(0));
  } catch (error) {
    process.send({ ok: false, error: String(error?.stack ?? error) }, () => process.exit(1));
  }
});
