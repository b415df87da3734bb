#!/usr/bin/env node
// The floor of tools/bench/intake: the least work any intake that meets issue 3's contract must do
// per webhook, on the same stack, with nothing of ours that could be optimised away:
//   verify X-Hub-Signature-256 over the raw body (as bare-server.mjs does), JSON.parse the body
//   (the repository and ref are needed for the Kafka key), claim the delivery id in Redis (one
//   round trip, SET NX with a TTL through the same Lua claim the intake uses), produce the raw body
//   to Kafka with acks=all (concurrent requests share one produce request, as our publisher does),
//   answer 202 after the ack.
// No routing framework, normalisation, schema validation, rate limits, delivery records, metrics
// or logging. If this floor cannot reach 0.6× of the bare server, no implementation of the intake
// on this machine can (see docs/benchmarks.md, "Webhook intake").
//   BENCH_WEBHOOK_SECRET=… PORT=… KAFKA_BROKERS=… REDIS_URL=… BENCH_TOPIC=… BENCH_REDIS_PREFIX=… node tools/bench/intake/floor-server.mjs
import { createKafkaClient } from '@portcullis/messaging';
import { createRedisClient, RedisIdempotencyStore } from '@portcullis/state';
import { createServer } from 'node:http';
import { validGithubSignature } from './github-signature.mjs';

const secret = process.env.BENCH_WEBHOOK_SECRET;
const port = Number(process.env.PORT ?? 0);
const topic = process.env.BENCH_TOPIC;
if (!secret || !topic || !process.env.KAFKA_BROKERS || !process.env.REDIS_URL) {
  throw new Error('BENCH_WEBHOOK_SECRET, BENCH_TOPIC, KAFKA_BROKERS and REDIS_URL are required');
}
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const kafka = createKafkaClient({ brokers: process.env.KAFKA_BROKERS.split(','), clientId: 'intake-floor' }, quiet);
// As EventPublisher: acks=all, up to 5 produce requests in flight, not kafkajs's idempotent mode.
const producer = kafka.producer({ allowAutoTopicCreation: false });
await producer.connect();
const redis = createRedisClient({ url: process.env.REDIS_URL, keyPrefix: process.env.BENCH_REDIS_PREFIX ?? 'floor:' });
const claims = new RedisIdempotencyStore(redis);

// Up to 5 produce requests in flight, each carrying everything that queued meanwhile (acks=all).
const MAX_IN_FLIGHT = 5;
let queue = [];
let inFlight = 0;
function produce(message) {
  return new Promise((resolve, reject) => {
    queue.push({ message, resolve, reject });
    pump();
  });
}
function pump() {
  while (queue.length > 0 && inFlight < MAX_IN_FLIGHT) {
    const batch = queue;
    queue = [];
    inFlight += 1;
    producer.send({ topic, acks: -1, messages: batch.map((b) => b.message) }).then(
      () => batch.forEach((b) => b.resolve()),
      (error) => batch.forEach((b) => b.reject(error)),
    ).finally(() => {
      inFlight -= 1;
      pump();
    });
  }
}

let accepted = 0;
let rejected = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const answer = (status) => {
      if (status === 202) accepted += 1;
      else rejected += 1;
      res.writeHead(status, { 'content-length': '0' });
      res.end();
    };
    if (!validGithubSignature(secret, body, req.headers['x-hub-signature-256'])) return answer(401);
    let payload;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return answer(400);
    }
    const key = `github/${payload.repository?.full_name ?? 'unknown'}`;
    const deliveryId = String(req.headers['x-github-delivery'] ?? '');
    claims
      .tryClaim(`delivery:${deliveryId}`, 86_400_000)
      .then((claimed) => (claimed ? produce({ key, value: body, headers: { 'ce_id': deliveryId } }).then(() => 202) : 200))
      .then(answer, () => answer(503));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: server.address().port });
});
process.on('message', (m) => {
  if (m?.type === 'stats') process.send?.({ type: 'stats', accepted, rejected });
});
process.on('SIGTERM', () =>
  server.close(async () => {
    await producer.disconnect().catch(() => {});
    await redis.close().catch(() => {});
    process.exit(0);
  }),
);
