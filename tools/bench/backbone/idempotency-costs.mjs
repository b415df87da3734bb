#!/usr/bin/env node
// What RedisIdempotencyStore costs per key on the real Redis, by how the calls are shaped: one
// markProcessed per message (what EventConsumer does today, awaited in the message's lane), a
// few concurrent ones, or one call per fetched batch. findProcessed is one MGET per batch already.
//   npx tsc -b libs/state/tsconfig.lib.json && set -a && . .stack/env && set +a
//   node tools/bench/backbone/idempotency-costs.mjs [--keys N] [--rounds R] [--json]
// Reports wall µs per key and this process's CPU µs per key (user+system), median of rounds.
import { RedisIdempotencyStore, createRedisClient } from '@portcullis/state';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  process.stdout.write('Usage: node tools/bench/backbone/idempotency-costs.mjs [--keys N] [--rounds R] [--json]   (needs REDIS_URL)\n');
  process.exit(0);
}
if (!process.env.REDIS_URL) {
  process.stderr.write('REDIS_URL must be set (set -a; . .stack/env; set +a)\n');
  process.exit(2);
}
const N = Number(args.keys);
const ROUNDS = Number(args.rounds);
const TTL_MS = 10 * 60_000;
const prefix = `bench-${randomBytes(3).toString('hex')}:`;
const redis = createRedisClient({ url: process.env.REDIS_URL, keyPrefix: prefix, clientName: 'bench-idempotency' });
const store = new RedisIdempotencyStore(redis);
const written = [];

const keysOf = (n) => Array.from({ length: n }, () => `processed:bench:${randomUUID()}`);

/** `lanes` concurrent loops each calling `fn` on slices of `per` keys until all keys are done. */
async function shaped(keys, lanes, per, fn) {
  let next = 0;
  const lane = async () => {
    while (next < keys.length) {
      const slice = keys.slice(next, next + per);
      next += per;
      await fn(slice);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

const cases = {
  // EventConsumer today: 8 key lanes × 4 partitions, each awaiting one markProcessed per message.
  'markProcessed, 1 key per call, 32 lanes (today)': (keys) => shaped(keys, 32, 1, (k) => store.markProcessed(k, TTL_MS)),
  'markProcessed, 1 key per call, 1 lane': (keys) => shaped(keys.slice(0, Math.min(keys.length, 5_000)), 1, 1, (k) => store.markProcessed(k, TTL_MS)),
  'markProcessed, 100 keys per call': (keys) => shaped(keys, 4, 100, (k) => store.markProcessed(k, TTL_MS)),
  'markProcessed, 1000 keys per call (once per batch)': (keys) => shaped(keys, 4, 1000, (k) => store.markProcessed(k, TTL_MS)),
  'findProcessed, 1000 keys per call (today: once per batch)': (keys) => shaped(keys, 4, 1000, (k) => store.findProcessed(k)),
};

async function main() {
  // Wait for the connection (createRedisClient connects in the background).
  for (let i = 0; i < 50 && !(await redis.ping()); i += 1) await new Promise((r) => setTimeout(r, 100));
  const results = {};
  for (const [name, fn] of Object.entries(cases)) {
    const wall = [];
    const cpu = [];
    for (let r = 0; r < ROUNDS + 1; r += 1) {
      const keys = keysOf(N);
      const count = name.includes('1 lane') ? Math.min(N, 5_000) : N;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await fn(keys);
      const t1 = performance.now();
      const c = process.cpuUsage(c0);
      if (name.startsWith('markProcessed')) written.push(...keys.slice(0, count));
      if (r === 0) continue; // warm-up round
      wall.push(((t1 - t0) * 1000) / count);
      cpu.push((c.user + c.system) / count);
    }
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    results[name] = { wallUsPerKey: med(wall), cpuUsPerKey: med(cpu), wall, cpu };
  }
  for (let i = 0; i < written.length; i += 1_000) await store.forget(written.slice(i, i + 1_000));
  await redis.close();
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, keys: N, rounds: ROUNDS, results }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${N} keys × ${ROUNDS} rounds (median), real Redis at REDIS_URL\n| call shape | wall µs/key | client CPU µs/key |\n|---|---:|---:|\n`);
  for (const [name, r] of Object.entries(results)) {
    process.stdout.write(`| ${name} | ${r.wallUsPerKey.toFixed(2)} | ${r.cpuUsPerKey.toFixed(2)} |\n`);
  }
}

main().catch(async (error) => {
  process.stderr.write(`failed: ${error.stack ?? error}\n`);
  await redis.close();
  process.exit(1);
});
