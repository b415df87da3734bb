#!/usr/bin/env node
// The baseline of tools/bench/intake: a bare node:http server that reads the raw body, verifies
// X-Hub-Signature-256 (HMAC-SHA256 of the body with the bench secret) in constant time and answers
// 202 — nothing else (no routing, no parsing, no dedupe, no Kafka). Started by run.mjs as a child:
//   BENCH_WEBHOOK_SECRET=… PORT=… node tools/bench/intake/bare-server.mjs
import { createServer } from 'node:http';
import { validGithubSignature } from './github-signature.mjs';

const secret = process.env.BENCH_WEBHOOK_SECRET;
const port = Number(process.env.PORT ?? 0);
if (!secret) throw new Error('BENCH_WEBHOOK_SECRET is required');

let accepted = 0;
let rejected = 0;

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const ok = validGithubSignature(secret, body, req.headers['x-hub-signature-256']);
    if (ok) accepted += 1;
    else rejected += 1;
    res.writeHead(ok ? 202 : 401, { 'content-length': '0' });
    res.end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: server.address().port });
});
process.on('message', (m) => {
  if (m?.type === 'stats') process.send?.({ type: 'stats', accepted, rejected });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
