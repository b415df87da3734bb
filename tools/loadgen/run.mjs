#!/usr/bin/env node
// Load generator: N repositories pushing real commits (some with a planted secret, some shipping
// an image, a few deploying) through signed webhooks at a chosen rate, against the whole pipeline
// started by libs/pipeline's harness; reports end-to-end latency, throughput, consumer lag and
// resources, and exits 1 on any loss.
//   npx tsc -b tsconfig.build.json && npx tsc -b libs/pipeline/tsconfig.lib.json
//   set -a; . .stack/env; set +a
//   node tools/loadgen/run.mjs --repos 1000 --rate 20 --findings 10% --images 30% --deploy 5%
import { LoadOptionError, loadOptionsFrom } from '@portcullis/pipeline';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hasLosses, hasRefusals, runLoad, summaryText } from './loadgen.mjs';

const HELP = `Portcullis load generator (the whole pipeline, on the local stack).

Usage: node tools/loadgen/run.mjs [options]
  (build first: npx tsc -b tsconfig.build.json; npx tsc -b libs/pipeline/tsconfig.lib.json
   needs the local stack: tools/stack/stack up; set -a; . .stack/env; set +a)

Options:
  --repos N          repositories, one push each (default 1000)
  --duration D       instead of --repos: push for D (90s, 2m) at --rate, one repository per push
  --rate R           pushes per second, open loop: push i is sent at i/R s (default 20)
  --findings P       share whose release commit plants a GitHub token (default 10%)
  --images P         share that ships an image: registry notification + CI build (default 30%)
  --deploy P         share that deploys, taken from the image share (default 5%; the kwok node
                     has 110 pods shared with tests: keep repos x deploy <= 50)
  --channels C       Slack channels the repositories are routed to (default 128; the stand-in
                     allows 1 call/s per channel, as Slack does)
  --instances LIST   instances per service, e.g. secret-auditor=2,notifier=2 (default 1 each)
  --env LIST         extra service settings, e.g. secret-auditor:SECRETS_SCAN_WORKERS=2,...
  --drain-timeout D  give up when no release completed for D after the last push (default 10m)
  --seed S           which repositories get findings, images, deploys (default 1)
  --build            build the five services first (default: use their dist/)
  --keep             keep the run's repositories and namespace
  --json             print the JSON report on stdout (default: the summary tables)
  --out FILE         also write the JSON report to FILE
  -h, --help         this text

Each release: the release commit becomes main's tip on the git server (the repositories and
their base commits are written before the measured phase with one git fast-import), then GitHub's
signed push webhook; for image repositories CI's manifest push (the blobs were uploaded before),
the registry's notification and CI's build announcement (POST /v1/builds). A delivery answered
503 or 429 is sent again after its Retry-After (at most 3 attempts, as a registry or CI retries);
one still refused is reported as refused, not waited for.

Measured per release: push accepted (202) -> the Slack root first shows its final content
(renderRoot(foldEvents(every event of the release)), as the notifier renders it), p50/p95/p99 by
type (commit, commit+finding, image, image+finding, deploy); accepted and completed per second;
max consumer lag per service (/metrics portcullis_consumer_lag, summed over its instances, every
2 s); CPU seconds and max RSS per process (/proc); losses: a push without exactly one audit
result, a build without a scan carrying the release id, a release without its gate decision
(deployed for the deploying ones), without exactly one Slack root, or whose root is not final.
Exit 1 on any loss, duplicate or wrong outcome of an accepted push; 3 when there was none but the
intake refused (or did not answer) a delivery, which a sender would redeliver.`;

const { values: args } = parseArgs({
  options: {
    repos: { type: 'string' },
    duration: { type: 'string' },
    rate: { type: 'string' },
    findings: { type: 'string' },
    images: { type: 'string' },
    deploy: { type: 'string' },
    channels: { type: 'string' },
    instances: { type: 'string' },
    env: { type: 'string' },
    'drain-timeout': { type: 'string' },
    seed: { type: 'string' },
    build: { type: 'boolean', default: false },
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

/** `service:NAME=value,...` → { service: { NAME: value } }. */
function parseEnv(text) {
  const out = {};
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const m = /^([a-z-]+):([A-Z0-9_]+)=(.*)$/.exec(part.trim());
    if (!m) throw new LoadOptionError(`--env: expected service:NAME=value, got “${part}”`);
    (out[m[1]] ??= {})[m[2]] = m[3];
  }
  return out;
}

const progress = (line) => process.stderr.write(`[loadgen ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
let options;
let env;
try {
  options = loadOptionsFrom(args);
  env = parseEnv(args.env);
} catch (error) {
  if (error instanceof LoadOptionError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
const run = await runLoad(options, { env, progress, build: args.build, keep: args.keep });
const json = JSON.stringify({ ...run, result: { ...run.result, outputTimes: undefined } }, null, 2);
if (args.out) writeFileSync(resolve(args.out), json);
if (args.json) process.stdout.write(`${json}\n`);
else process.stdout.write(`${summaryText(run)}\n`);
process.exit(hasLosses(run) ? 1 : hasRefusals(run) ? 3 : 0);
