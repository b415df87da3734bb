#!/usr/bin/env node
// Backbone throughput: EventPublisher + EventConsumer (validation, idempotency on Redis, metrics)
// against raw kafkajs with the same settings, in the same run, on the same broker. Three baselines:
// raw-same-records (the backbone's exact records: keys, JSON values, CloudEvents headers),
// raw (same bodies, no headers) and envelope (raw kafkajs + the contracts codec).
//   npx tsc -b libs/messaging/tsconfig.lib.json libs/state/tsconfig.lib.json
//   set -a; . .stack/env; set +a
//   node tools/bench/backbone/run.mjs [--messages N] [--partitions 1,12] [--repeat R] [--json]
// Runs on the build output (dist) through the workspace links. kafkajs is never imported here:
// the raw baseline uses the kafkajs `Kafka` instance that createKafkaClient() returns.
import { ScmEvents, companionTopics, decodeEvent, encodeEvent, exampleScmPush, repositoryKey } from '@portcullis/contracts';
import { EventConsumer, EventPublisher, createKafkaClient, ensureTopics, prefixed } from '@portcullis/messaging';
import { formatTraceparent, newTraceContext } from '@portcullis/observability';
import { RedisIdempotencyStore, createRedisClient } from '@portcullis/state';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';

const HELP = `Backbone throughput benchmark (libs/messaging vs raw kafkajs, same run).

Usage: node tools/bench/backbone/run.mjs [options]
  (build first: npx tsc -b libs/messaging/tsconfig.lib.json libs/state/tsconfig.lib.json;
   needs KAFKA_BROKERS and REDIS_URL, e.g. set -a; . .stack/env; set +a)

Options:
  --messages N        messages per measurement (default 50000)
  --partitions LIST   partition counts, comma separated (default 1,12)
  --repeat R          repetitions per partition count (default 3)
  --variants LIST     default raw-same-records,raw,envelope,backbone:
                        raw-same-records    raw kafkajs producing and consuming exactly the records
                                            the backbone does (same keys, JSON values and CloudEvents
                                            headers, pre-encoded with encodeEvent before the timed
                                            produce); its consumer JSON.parses each value and reads
                                            the ce_id / ce_type headers. The headline baseline.
                        raw                 the same bodies without headers, JSON.stringify at send
                                            time, JSON.parse on consume (the earlier baseline)
                        envelope            raw kafkajs + the contracts codec (encodeEvent at send
                                            time, decodeEvent with schema validation on consume)
                        backbone            EventPublisher + EventConsumer, Redis idempotency, metrics
                      For diagnosis also:
                        backbone-bare       EventConsumer without idempotency and metrics
                        backbone-nometrics  without metrics;  backbone-noidem  without idempotency
  --phases LIST       produce,consume,e2e (default all; consume always pre-produces)
  --warmup N          untimed warm-up messages per variant before the first repeat (default 5000, 0 = none)
  --body-bytes B      serialised body size (default 1024)
  --batch-size M      messages per produce request for the raw variants (default 1000, EventPublisher's
                      maxBatchSize default); passed to EventPublisher only when given
  --batch-bytes B     bytes (keys, values, headers, ~70 B per record) per produce request for the raw
                      variants (default 921600, EventPublisher's maxBatchBytes default, sized the same
                      way); passed to EventPublisher only when given
  --profile DIR       write a V8 CPU profile of each timed phase to DIR/<variant>-p<P>-<repeat>-<phase>.cpuprofile
                      (summarise with node tools/bench/profile-summary.mjs FILE)
  --json              print the results as JSON on stdout instead of tables
  --out FILE          also write the JSON results to FILE
  -h, --help          this text

Per partition count and repeat, each variant gets fresh topics and fresh consumer groups:
  produce   N messages published concurrently; msgs/s until all are acknowledged (acks=-1)
  consume   a fresh group drains the N pre-produced messages; msgs/s from "group joined" to
            "last message handled" (the cleanest comparison: no producer in the process)
  e2e       consumer joined first, then N publishes; msgs/s from first publish to last handled
Variant order alternates between repeats (reversed every other repeat). Progress goes to stderr. Topics, groups and Redis keys
are deleted at the end.`;

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '50000' },
    partitions: { type: 'string', default: '1,12' },
    repeat: { type: 'string', default: '3' },
    variants: { type: 'string', default: 'raw-same-records,raw,envelope,backbone' },
    phases: { type: 'string', default: 'produce,consume,e2e' },
    warmup: { type: 'string', default: '5000' },
    'body-bytes': { type: 'string', default: '1024' },
    'batch-size': { type: 'string' },
    'batch-bytes': { type: 'string' },
    profile: { type: 'string' },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const positiveInt = (name, raw, min = 1) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`--${name} must be an integer >= ${min}, got ${raw}\n`);
    process.exit(2);
  }
  return n;
};
const listOf = (name, raw, allowed) => {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((i) => !allowed.includes(i));
  if (items.length === 0 || bad.length > 0) {
    process.stderr.write(`--${name}: expected some of ${allowed.join(',')}, got ${raw}\n`);
    process.exit(2);
  }
  return allowed.filter((a) => items.includes(a));
};
const N = positiveInt('messages', args.messages);
const PARTITIONS = args.partitions.split(',').map((p) => positiveInt('partitions', p.trim()));
const REPEAT = positiveInt('repeat', args.repeat);
const BASELINES = ['raw-same-records', 'raw', 'envelope'];
const VARIANTS = listOf('variants', args.variants, [...BASELINES, 'backbone', 'backbone-bare', 'backbone-noidem', 'backbone-nometrics']);
const PHASES = listOf('phases', args.phases, ['produce', 'consume', 'e2e']);
const WARMUP = positiveInt('warmup', args.warmup, 0);
const BODY_BYTES = positiveInt('body-bytes', args['body-bytes'], 600);
const BATCH_SIZE = args['batch-size'] === undefined ? undefined : positiveInt('batch-size', args['batch-size']);
const BATCH_BYTES = args['batch-bytes'] === undefined ? undefined : positiveInt('batch-bytes', args['batch-bytes'], 1024);

const BROKERS = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const REDIS_URL = process.env.REDIS_URL;
if (BROKERS.length === 0 || !REDIS_URL) {
  process.stderr.write('KAFKA_BROKERS and REDIS_URL must be set (set -a; . .stack/env; set +a)\n');
  process.exit(2);
}

// Settings both variants share. They mirror EventPublisher / EventConsumer defaults; if those
// change, change them here too, or the baseline stops being "the same settings".
const PRODUCE_CHUNK = BATCH_SIZE ?? 1_000; // EventPublisher maxBatchSize default
const PRODUCE_BYTES = BATCH_BYTES ?? 900 * 1024; // EventPublisher maxBatchBytes default
const PRODUCE_IN_FLIGHT = 5; // EventPublisher maxInFlight default
const PRODUCE_TIMEOUT_MS = 10_000; // EventPublisher publishTimeoutMs default
const PARTITIONS_CONCURRENTLY = 4; // EventConsumer partitionsConcurrently default
const CONSUMER_SETTINGS = {
  sessionTimeout: 30_000,
  rebalanceTimeout: 60_000,
  heartbeatInterval: 3_000,
  allowAutoTopicCreation: false,
  maxWaitTimeInMs: 1_000,
  retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
};
// EventPublisher's producer settings. It also sets createPartitioner: DefaultPartitioner, which is
// kafkajs 2's default anyway (the bench does not import kafkajs; the env var below silences the warning).
const PRODUCER_SETTINGS = { allowAutoTopicCreation: false, retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 } };
const RETENTION_MS = 3_600_000;
const IDEMPOTENCY_TTL_MS = 30 * 60_000;
const REPOSITORIES = 200;

// kafkajs 2 warns once per raw producer that its default partitioner changed; noise here.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

const RUN_ID = `bench-${randomBytes(3).toString('hex')}`;
const progress = (msg) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const logger = {
  debug() {},
  info() {},
  warn: (obj, msg) => process.stderr.write(`WARN ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  error: (obj, msg) => process.stderr.write(`ERROR ${msg ?? ''} ${JSON.stringify(obj)}\n`),
};

// ---------------------------------------------------------------- bodies

/** Valid `scm.events` push bodies of exactly BODY_BYTES serialised, over REPOSITORIES repositories. */
function makeBodies(count) {
  const repos = Array.from({ length: REPOSITORIES }, (_, i) => ({ provider: 'github', owner: `team-${i % 23}`, name: `service-${i}` }));
  const sha = (s) => createHash('sha1').update(s).digest('hex');
  const bodies = new Array(count);
  for (let i = 0; i < count; i += 1) {
    const after = sha(`after-${i}`);
    const body = exampleScmPush({
      deliveryId: randomUUID(),
      repository: repos[i % REPOSITORIES],
      before: sha(`before-${i}`),
      after,
      commits: [
        { sha: sha(`c1-${i}`), title: 'Add payment webhook handler with signature checks', author: 'Mona Lisa Octocat' },
        { sha: sha(`c2-${i}`), title: 'Bump chart version and pin the image digest', author: 'Hubot' },
        { sha: after, title: `Fix flaky retry test (#${1000 + (i % 9000)})`, author: 'Mona Lisa Octocat' },
      ],
      totalCommits: 3,
      changedPaths: ['src/payments/webhook.ts', 'src/payments/webhook.spec.ts', 'deploy/k8s/deployment.yaml', 'charts/shop/Chart.yaml', 'src/retry/'],
    });
    const size = Buffer.byteLength(JSON.stringify(body));
    const pad = BODY_BYTES - size - 3; // + 'x'*pad + '.ts'
    if (pad < 0) throw new Error(`body template is ${size} bytes, larger than --body-bytes ${BODY_BYTES}`);
    body.changedPaths[4] = `src/retry/${'x'.repeat(pad)}.ts`;
    bodies[i] = body;
  }
  return bodies;
}

// ---------------------------------------------------------------- measurement helpers

class Counter {
  constructor(target) {
    this.target = target;
    this.count = 0;
    this.firstAt = 0;
    this.lastAt = 0;
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }
  hit() {
    this.count += 1;
    if (this.count === 1) this.firstAt = performance.now();
    if (this.count === this.target) {
      this.lastAt = performance.now();
      this.resolve(this.lastAt);
    }
  }
  /** Resolves when target messages were handled; rejects with the progress when it takes too long. */
  wait(what) {
    const limitMs = Math.max(120_000, this.target * 5);
    let timer;
    return Promise.race([
      this.done.finally(() => clearTimeout(timer)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: only ${this.count}/${this.target} handled after ${limitMs} ms`)), limitMs);
      }),
    ]);
  }
}

let inspector;
/** Runs `fn` under the V8 sampling profiler when --profile is given. */
async function profiled(name, fn) {
  if (!args.profile) return fn();
  if (!inspector) {
    mkdirSync(args.profile, { recursive: true });
    inspector = new Session();
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: 250 });
  }
  await inspector.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(resolve(args.profile, `${name}.cpuprofile`), JSON.stringify(profile));
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rate = (count, ms) => (ms > 0 ? (count * 1000) / ms : 0);

// ---------------------------------------------------------------- variants

/**
 * One variant's resources for one (partitions, repeat): a Kafka client with its own prefix, so
 * every topic and group name is fresh, and the cleanup list.
 */
class Run {
  constructor(variant, partitions, label) {
    this.variant = variant;
    this.partitions = partitions;
    this.prefix = `${RUN_ID}-${label}-p${partitions}-${variant}-`;
    this.kafka = createKafkaClient({ brokers: BROKERS, clientId: `${RUN_ID}-${variant}`, topicPrefix: this.prefix }, logger);
    this.topics = [];
    this.groups = [];
    this.redisKeys = [];
  }

  /** Fresh main topic (plus retry and DLQ for the backbone), `name` unprefixed. */
  async createTopics(name) {
    const specs = [{ name, partitions: this.partitions, retentionMs: RETENTION_MS }];
    if (this.variant.startsWith('backbone')) {
      specs.push(
        { name: companionTopics.retryOf(name), partitions: Math.max(1, Math.min(this.partitions, 6)), retentionMs: RETENTION_MS },
        { name: companionTopics.dlqOf(name), partitions: 1, retentionMs: RETENTION_MS },
      );
    }
    // Registered first, so a failure half-way still deletes whatever was created.
    this.topics.push(...specs.map((s) => prefixed(this.prefix, s.name)));
    // Right after CreateTopics a busy broker can still answer metadata with
    // UNKNOWN_TOPIC_OR_PARTITION (kafkajs's waitForLeaders does not retry that), and a producer
    // that starts then fails. ensureTopics is idempotent: retry it, then wait for every leader.
    const names = specs.map((s) => prefixed(this.prefix, s.name));
    const deadline = Date.now() + 60_000;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await ensureTopics(this.kafka, specs, { topicPrefix: this.prefix, logger: { ...logger, info() {} } });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        progress(`  ensureTopics attempt ${attempt} failed (${error.message}); retrying`);
        await sleep(300 * attempt);
      }
    }
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (;;) {
        try {
          const { topics } = await admin.fetchTopicMetadata({ topics: names });
          if (topics.length === names.length && topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
        if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} have no leaders after 60 s`);
        await sleep(200);
      }
    } finally {
      await admin.disconnect();
    }
  }

  async cleanup(idempotencyStore) {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      if (this.groups.length > 0) await admin.deleteGroups(this.groups).catch((e) => logger.warn({ err: e.message }, 'deleteGroups'));
      const existing = new Set(await admin.listTopics());
      const topics = this.topics.filter((t) => existing.has(t));
      if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    } finally {
      await admin.disconnect();
    }
    if (idempotencyStore) {
      for (let i = 0; i < this.redisKeys.length; i += 1_000) await idempotencyStore.forget(this.redisKeys.slice(i, i + 1_000));
    }
  }
}

/** Record size as EventPublisher estimates it for its byte budget: payload plus ~70 B per record. */
function recordBytes(message) {
  let size = 70 + Buffer.byteLength(message.key);
  size += typeof message.value === 'string' ? Buffer.byteLength(message.value) : message.value.length;
  for (const name in message.headers ?? {}) size += name.length + 8 + Buffer.byteLength(message.headers[name]);
  return size;
}

/**
 * Raw kafkajs: sendBatch in requests of at most PRODUCE_CHUNK messages and PRODUCE_BYTES bytes
 * (EventPublisher's limits), PRODUCE_IN_FLIGHT at once, acks=-1; a group with eachBatch that
 * decodes each value and resolves its offset. `mode`:
 *   'plain'    same bodies, no headers: JSON.stringify at send time, JSON.parse on consume
 *   'same'     the backbone's records (key, JSON value, CloudEvents headers), encoded with
 *              encodeEvent in prepare(), outside the timed produce; JSON.parse + ce_id/ce_type on consume
 *   'envelope' encodeEvent at send time, decodeEvent with schema validation on consume: the floor
 *              for any backbone that validates, without the backbone's consumer machinery
 */
function rawVariant(run, { mode = 'plain' } = {}) {
  let producer;
  let records;
  const encode = (body) => {
    const encoded = encodeEvent(ScmEvents, body, { source: '/portcullis/bench', traceparent: formatTraceparent(newTraceContext()) });
    return { key: encoded.key, value: encoded.value, headers: encoded.headers };
  };
  return {
    async connect() {
      producer = run.kafka.producer(PRODUCER_SETTINGS);
      await producer.connect();
    },
    /** Untimed: the records 'same' sends, encoded exactly as EventPublisher.publish encodes them. */
    prepare(bodies) {
      records = mode === 'same' ? bodies.map(encode) : undefined;
    },
    async produce(topic, bodies) {
      const fullTopic = prefixed(run.prefix, topic);
      const recordAt =
        mode === 'same'
          ? (i) => records[i]
          : mode === 'envelope'
            ? (i) => encode(bodies[i])
            : (i) => ({ key: repositoryKey(bodies[i].repository), value: JSON.stringify(bodies[i]) });
      let next = 0;
      const worker = async () => {
        while (next < bodies.length) {
          const messages = [];
          let bytes = 0;
          // Synchronous, so the workers never take the same index.
          while (next < bodies.length && messages.length < PRODUCE_CHUNK) {
            const message = recordAt(next);
            const size = recordBytes(message);
            if (messages.length > 0 && bytes + size > PRODUCE_BYTES) break; // rebuilt for the next request
            messages.push(message);
            bytes += size;
            next += 1;
          }
          await producer.sendBatch({ topicMessages: [{ topic: fullTopic, messages }], acks: -1, timeout: PRODUCE_TIMEOUT_MS });
        }
      };
      await Promise.all(Array.from({ length: PRODUCE_IN_FLIGHT }, worker));
    },
    /** Starts a fresh group; resolves once it joined (kafkajs run() returns after join + sync). */
    async startConsumer(topic, groupId, counter) {
      const group = prefixed(run.prefix, groupId);
      run.groups.push(group);
      const consumer = run.kafka.consumer({ groupId: group, ...CONSUMER_SETTINGS });
      await consumer.connect();
      await consumer.subscribe({ topics: [prefixed(run.prefix, topic)], fromBeginning: true });
      let sink = 0;
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
        eachBatch: async ({ batch, resolveOffset, isRunning, isStale }) => {
          for (const message of batch.messages) {
            if (!isRunning() || isStale()) return;
            if (mode === 'envelope') {
              const decoded = decodeEvent(ScmEvents, { headers: message.headers, value: message.value });
              if (!decoded.ok) throw new Error(`bench message failed to decode: ${decoded.reason}`);
              sink += decoded.event.body.kind.length;
            } else if (mode === 'same') {
              // The minimum a consumer of this format does: the body, the event id and type.
              const body = JSON.parse(message.value.toString('utf8'));
              const id = message.headers.ce_id?.toString();
              const type = message.headers.ce_type?.toString();
              if (!id || !type) throw new Error('bench message without ce_id / ce_type');
              sink += body.kind.length + id.length + type.length;
            } else {
              const body = JSON.parse(message.value.toString('utf8'));
              sink += body.kind.length;
            }
            resolveOffset(message.offset);
            counter.hit();
          }
        },
      });
      return { stop: () => consumer.disconnect(), sink: () => sink };
    },
    async disconnect() {
      await producer?.disconnect();
    },
  };
}

/**
 * The backbone: EventPublisher.publish per message, EventConsumer with schema validation (always),
 * idempotency on the real Redis and a prom-client registry, and a handler that counts.
 * `idempotency`: 'redis' | 'none'; `metrics`: boolean (ablations for diagnosis). The publisher
 * runs with its defaults (maxBatchSize 1000, maxBatchBytes 900 KiB) unless --batch-size /
 * --batch-bytes are given.
 */
function backboneVariant(run, redis, { idempotency = 'redis', metrics = true } = {}) {
  const registry = metrics ? new Registry() : undefined;
  const store = new RedisIdempotencyStore(redis);
  const publisher = new EventPublisher(run.kafka, {
    source: '/portcullis/bench',
    topicPrefix: run.prefix,
    ...(BATCH_SIZE === undefined ? {} : { maxBatchSize: BATCH_SIZE }),
    ...(BATCH_BYTES === undefined ? {} : { maxBatchBytes: BATCH_BYTES }),
    maxInFlight: PRODUCE_IN_FLIGHT,
    logger,
    metrics: registry,
  });
  const ids = [];
  return {
    store: idempotency === 'none' ? undefined : store,
    async connect() {
      await publisher.connect();
    },
    async produce(topic, bodies) {
      if (topic !== ScmEvents.name) throw new Error('backbone bench publishes scm.events only');
      const results = await Promise.all(bodies.map((body) => publisher.publish(ScmEvents, body)));
      for (const r of results) ids.push(r.id);
    },
    async startConsumer(topic, groupId, counter) {
      run.groups.push(prefixed(run.prefix, groupId));
      const consumer = new EventConsumer(run.kafka, {
        groupId,
        topicPrefix: run.prefix,
        publisher,
        logger,
        metrics: registry,
        idempotency: idempotency === 'none' ? undefined : { store, ttlMs: IDEMPOTENCY_TTL_MS },
      }).subscribe(ScmEvents, async () => {
        counter.hit();
      });
      await consumer.start();
      return {
        stop: async () => {
          await consumer.stop();
          // Keys this group wrote: processed:<group>:<ce_id>, as EventConsumer names them.
          if (idempotency !== 'none') for (const id of ids) run.redisKeys.push(`processed:${groupId}:${id}`);
        },
      };
    },
    async disconnect() {
      await publisher.disconnect();
    },
  };
}

/** Every variant the bench knows. */
const VARIANT_FACTORIES = {
  'raw-same-records': (run) => rawVariant(run, { mode: 'same' }),
  raw: (run) => rawVariant(run),
  envelope: (run) => rawVariant(run, { mode: 'envelope' }),
  backbone: (run, redis) => backboneVariant(run, redis),
  'backbone-bare': (run, redis) => backboneVariant(run, redis, { idempotency: 'none', metrics: false }),
  'backbone-nometrics': (run, redis) => backboneVariant(run, redis, { metrics: false }),
  'backbone-noidem': (run, redis) => backboneVariant(run, redis, { idempotency: 'none' }),
};

// ---------------------------------------------------------------- one measurement

/**
 * Fresh topics and groups for `variant`: produce (timed) then a fresh group drains it (consume),
 * then on another fresh topic a joined consumer while N publishes happen (e2e).
 */
async function measure(variant, partitions, label, bodies, redis) {
  const run = new Run(variant, partitions, label);
  const impl = VARIANT_FACTORIES[variant](run, redis);
  const result = { variant, partitions, label, messages: bodies.length };
  const topic = ScmEvents.name; // same name for both; the prefix makes it fresh
  try {
    await impl.connect();
    if (PHASES.includes('produce') || PHASES.includes('consume')) {
      await run.createTopics(topic);
      impl.prepare?.(bodies);
      const t0 = performance.now();
      await profiled(`${variant}-p${partitions}-${label}-produce`, () => impl.produce(topic, bodies));
      const t1 = performance.now();
      result.produce = { ms: t1 - t0, rate: rate(bodies.length, t1 - t0) };
      progress(`  ${label} p=${partitions} ${variant.padEnd(16)} produce  ${fmt(result.produce.rate)} msgs/s`);
    }
    if (PHASES.includes('consume')) {
      const counter = new Counter(bodies.length);
      const joinStart = performance.now();
      const consumer = await impl.startConsumer(topic, 'drain', counter);
      const joined = performance.now();
      const end = await profiled(`${variant}-p${partitions}-${label}-consume`, () => counter.wait(`${variant} consume`));
      await consumer.stop();
      result.consume = { ms: end - joined, rate: rate(bodies.length, end - joined), joinMs: joined - joinStart, firstMessageMs: counter.firstAt - joined };
      progress(`  ${label} p=${partitions} ${variant.padEnd(16)} consume  ${fmt(result.consume.rate)} msgs/s (join ${Math.round(result.consume.joinMs)} ms)`);
    }
    if (PHASES.includes('e2e')) {
      // A fresh topic: same name (the backbone consumes ScmEvents), its own prefix.
      const e2eRun = new Run(variant, partitions, `${label}e`);
      const e2eImpl = VARIANT_FACTORIES[variant](e2eRun, redis);
      try {
        await e2eImpl.connect();
        await e2eRun.createTopics(topic);
        e2eImpl.prepare?.(bodies);
        const counter = new Counter(bodies.length);
        const consumer = await e2eImpl.startConsumer(topic, 'e2e', counter);
        const t0 = performance.now();
        const produced = e2eImpl.produce(topic, bodies).then(() => performance.now());
        const [t1, t2] = await profiled(`${variant}-p${partitions}-${label}-e2e`, () => Promise.all([produced, counter.wait(`${variant} e2e`)]));
        await consumer.stop();
        result.e2e = { ms: t2 - t0, rate: rate(bodies.length, t2 - t0), produceRate: rate(bodies.length, t1 - t0) };
        progress(`  ${label} p=${partitions} ${variant.padEnd(16)} e2e      ${fmt(result.e2e.rate)} msgs/s (produce under load ${fmt(result.e2e.produceRate)})`);
      } finally {
        await e2eImpl.disconnect().catch(() => {});
        await e2eRun.cleanup(e2eImpl.store).catch((e) => logger.warn({ err: e.message }, 'cleanup e2e'));
      }
    }
  } finally {
    await impl.disconnect().catch(() => {});
    await run.cleanup(impl.store).catch((e) => logger.warn({ err: e.message }, 'cleanup'));
  }
  return result;
}

// ---------------------------------------------------------------- statistics and output

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), values: xs });

/**
 * Per partition count and phase: each variant's rates, and its ratio to every baseline in the run
 * (computed per repeat, then the median).
 */
function summarise(results) {
  const summary = [];
  for (const partitions of PARTITIONS) {
    for (const phase of PHASES) {
      const row = { partitions, phase, variants: {} };
      for (const variant of VARIANTS) {
        const mine = results.filter((r) => r.partitions === partitions && r.variant === variant && r[phase]);
        if (mine.length === 0) continue;
        const entry = { rate: spread(mine.map((r) => r[phase].rate)) };
        entry.ratios = {};
        for (const baseline of BASELINES.filter((b) => b !== variant && VARIANTS.includes(b))) {
          const ratios = [];
          for (const r of mine) {
            const base = results.find((x) => x.partitions === partitions && x.variant === baseline && x.repeat === r.repeat)?.[phase]?.rate;
            if (base) ratios.push(r[phase].rate / base);
          }
          if (ratios.length > 0) entry.ratios[baseline] = spread(ratios);
        }
        row.variants[variant] = entry;
      }
      summary.push(row);
    }
  }
  return summary;
}

function machine() {
  let kafka = 'unknown';
  try {
    const pom = readFileSync(resolve(import.meta.dirname, '../../stack/kafka/pom.xml'), 'utf8');
    kafka = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pom)?.[1] ?? kafka;
  } catch {
    // not the local stack
  }
  let kafkajs = 'unknown';
  try {
    kafkajs = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../node_modules/kafkajs/package.json'), 'utf8')).version;
  } catch {
    // not installed where expected
  }
  return { nproc: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version, kafka, kafkajs };
}

function printTables(summary) {
  const out = [];
  const phaseName = { produce: 'produce (acked)', consume: 'consume only', e2e: 'end to end' };
  const cell = (s) => `${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}]`;
  const ratio = (s) => (s ? `**${s.median.toFixed(2)}×** [${s.min.toFixed(2)}–${s.max.toFixed(2)}]` : '—');
  const baselines = BASELINES.filter((b) => VARIANTS.includes(b));
  for (const partitions of PARTITIONS) {
    const rows = summary.filter((r) => r.partitions === partitions);
    out.push(`\n${partitions} partition${partitions === 1 ? '' : 's'}, ${N} messages: msgs/s, median [min–max] of ${REPEAT}`);
    out.push(`| phase |${VARIANTS.map((v) => ` ${v} |`).join('')}`);
    out.push(`|---|${VARIANTS.map(() => '---:|').join('')}`);
    for (const row of rows) out.push(`| ${phaseName[row.phase]} |${VARIANTS.map((v) => ` ${row.variants[v] ? cell(row.variants[v].rate) : '—'} |`).join('')}`);
    out.push(`\n${partitions} partition${partitions === 1 ? '' : 's'}: ratio = variant/baseline per repeat, median [min–max]`);
    out.push(`| phase | variant |${baselines.map((b) => ` /${b} |`).join('')}`);
    out.push(`|---|---|${baselines.map(() => '---:|').join('')}`);
    for (const row of rows) {
      for (const v of VARIANTS.filter((x) => x !== 'raw')) {
        if (!row.variants[v]) continue;
        out.push(`| ${phaseName[row.phase]} | ${v} |${baselines.map((b) => ` ${ratio(row.variants[v].ratios[b])} |`).join('')}`);
      }
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

// ---------------------------------------------------------------- main

/** Deletes any topic or group of this run still there (a failed step's, or one created late). */
async function sweep() {
  const kafka = createKafkaClient({ brokers: BROKERS, clientId: `${RUN_ID}-sweep` }, logger);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${RUN_ID}-`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${RUN_ID}-`));
    if (groups.length > 0) await admin.deleteGroups(groups);
    if (topics.length + groups.length > 0) progress(`swept ${topics.length} topics and ${groups.length} groups left by failed steps`);
  } finally {
    await admin.disconnect();
  }
}

async function main() {
  const facts = machine();
  progress(`run ${RUN_ID}: ${N} messages × partitions ${PARTITIONS.join(',')} × ${REPEAT} repeats, variants ${VARIANTS.join(',')}, phases ${PHASES.join(',')}`);
  progress(`node ${facts.node}, ${facts.nproc} cpus, kafka ${facts.kafka}, kafkajs ${facts.kafkajs}`);
  const redis = createRedisClient({ url: REDIS_URL, keyPrefix: `${RUN_ID}:`, clientName: RUN_ID });
  const bodies = makeBodies(N);
  progress(`bodies: ${N} × ${Buffer.byteLength(JSON.stringify(bodies[0]))} bytes, ${REPOSITORIES} repositories`);
  const results = [];
  try {
    if (WARMUP > 0) {
      const warm = bodies.slice(0, Math.min(WARMUP, N));
      progress(`warm-up: ${warm.length} messages per variant (not reported)`);
      for (const variant of VARIANTS) await measure(variant, PARTITIONS[0], 'warm', warm, redis);
    }
    for (const partitions of PARTITIONS) {
      for (let repeat = 0; repeat < REPEAT; repeat += 1) {
        // Alternate the order so drift (other load, JIT, broker log growth) hits both variants.
        const order = repeat % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
        for (const variant of order) {
          progress(`p=${partitions} repeat ${repeat + 1}/${REPEAT} ${variant}`);
          const r = await measure(variant, partitions, `r${repeat}`, bodies, redis);
          results.push({ ...r, repeat });
        }
      }
    }
  } finally {
    await sweep().catch((e) => logger.warn({ err: e.message }, 'final sweep'));
    await redis.close();
  }
  const summary = summarise(results);
  const command = `node tools/bench/backbone/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
  const report = {
    machine: facts,
    command,
    options: { messages: N, partitions: PARTITIONS, repeat: REPEAT, variants: VARIANTS, phases: PHASES, bodyBytes: BODY_BYTES, batchSize: PRODUCE_CHUNK, batchBytes: PRODUCE_BYTES, publisherDefaults: BATCH_SIZE === undefined && BATCH_BYTES === undefined },
    summary,
    results,
  };
  if (args.out) writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  if (args.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(`${command}\nnode ${facts.node}, ${facts.nproc} cpus (${facts.cpu}), Kafka ${facts.kafka}, kafkajs ${facts.kafkajs}\n`);
    printTables(summary);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`benchmark failed: ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
