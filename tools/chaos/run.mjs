#!/usr/bin/env node
// Fault tolerance under steady load (issue 8, docs/reliability.md): starts the five services (two
// instances each) on the stack in the environment, sends a steady stream of releases, injects one
// fault, and checks the invariants afterwards. Exits 1 when an invariant is broken, 2 on bad usage.
//   node tools/chaos/run.mjs <scenario>... [options]
import {
  CHAOS_SCENARIOS,
  describeScenario,
  FAST_CHAOS_SCENARIOS,
  formatChaosResult,
  runChaosScenario,
  startChaosPipeline,
} from '@portcullis/pipeline';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const HELP = `usage: node tools/chaos/run.mjs <scenario>... [options]

Starts the pipeline (2 instances of each service) against the stack named by the environment
(KAFKA_BROKERS, REDIS_URL, GIT_HTTP_*, REGISTRY_URL, KUBECONFIG, STACK_DIR: source its env file),
sends steady load (commit-only, image and deploying repositories), injects each scenario's fault
in turn on the same pipeline, and checks after each:
  - every accepted webhook has exactly one final outcome (audit per push, scan per build,
    a settled deploy state per deploying release)
  - one Slack root message per release
  - no release rolled out twice (at most one RolloutStarted per release and environment)
  - every dead letter explained (each poison message dead-lettered by every consumer of its topic)
and reports the recovery times. Exit status 1 when an invariant is broken.

Scenarios:
${CHAOS_SCENARIOS.map((s) => `  ${s.padEnd(26)}${describeScenario(s)}`).join('\n')}
  fast                      ${FAST_CHAOS_SCENARIOS.join(', ')} (what CI runs)

The tool imports the built @portcullis/pipeline: run \`npx tsc -b libs/pipeline/tsconfig.lib.json\`
after changing it (the five services are built by the run itself unless --no-build).

restart-kafka and restart-redis restart the stack's broker and Redis: run them against your own
stack (PORTCULLIS_STACK_DIR=/tmp/mine tools/stack/stack up --only kafka, … then source
/tmp/mine/env and add KUBECONFIG). They refuse the repository's .stack without --allow-shared-stack.

Options:
  --rate <n>               releases per second over all repositories (default 1)
  --warmup <s>             seconds of load before the fault (default 20)
  --after <s>              seconds of load after the fault (default 30)
  --settle <s>             seconds the run may take to finish every release afterwards (default 240)
  --restart-after <s>      kill-*: seconds until the killed instance is started again (default 15)
  --slack-outage <s>       slack-429-500: outage length (default 60)
  --kube-outage <s>        k8s-down-30s: outage length (default 30)
  --json <file>            also write the results as JSON
  --no-build               skip tsc -b of the services (they run from dist/)
  --allow-shared-stack     allow restarting Kafka/Redis of the repository's .stack
  -h, --help               this help
`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      rate: { type: 'string' },
      warmup: { type: 'string' },
      after: { type: 'string' },
      settle: { type: 'string' },
      'restart-after': { type: 'string' },
      'slack-outage': { type: 'string' },
      'kube-outage': { type: 'string' },
      json: { type: 'string' },
      'no-build': { type: 'boolean' },
      'allow-shared-stack': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  console.error(`${error.message}\n\n${HELP}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const scenarios = positionals.flatMap((p) => (p === 'fast' ? FAST_CHAOS_SCENARIOS : [p]));
const unknown = scenarios.filter((s) => !CHAOS_SCENARIOS.includes(s));
if (scenarios.length === 0 || unknown.length > 0) {
  console.error(`${unknown.length > 0 ? `unknown scenario: ${unknown.join(', ')}` : 'name at least one scenario'}\n\n${HELP}`);
  process.exit(2);
}
const number = (name, fallback) => {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number`);
    process.exit(2);
  }
  return n;
};
const timings = {
  warmupS: number('warmup', 20),
  afterS: number('after', 30),
  settleTimeoutMs: number('settle', 240) * 1000,
  restartAfterS: number('restart-after', 15),
  slackOutageS: number('slack-outage', 60),
  kubeOutageS: number('kube-outage', 30),
};
const log = (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

const chaos = await startChaosPipeline({
  label: 'chaos',
  load: { ratePerSecond: number('rate', 1) },
  allowStackRestart: values['allow-shared-stack'] === true,
  build: values['no-build'] !== true,
  log,
});
const results = [];
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await chaos.stop().catch((error) => console.error(`stopping the pipeline failed: ${error.message}`));
};
process.once('SIGINT', () => void stop().then(() => process.exit(130)));
try {
  for (const scenario of scenarios) {
    const result = await runChaosScenario(chaos, scenario, timings);
    results.push(result);
    console.log(formatChaosResult(result));
  }
} catch (error) {
  console.error(`chaos run failed: ${error.stack ?? error.message}`);
  for (const s of ['webhook-intake', 'secret-auditor', 'image-scanner', 'deploy-orchestrator', 'notifier']) {
    for (const i of chaos.pipeline.instances(s)) console.error(`--- ${s}\n${i.tail()}`);
  }
  await stop();
  process.exit(1);
}
if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
if (values.json && results.some((r) => !r.passed)) {
  // For the reproduction: every line the services printed (they never print secret values).
  writeFileSync(`${values.json}.services.log`, `${chaos.pipeline.output().join('\n')}\n`);
  console.log(`service output: ${values.json}.services.log`);
}
await stop();
const failed = results.filter((r) => !r.passed).map((r) => r.scenario);
console.log(failed.length === 0 ? `all ${results.length} scenario(s) kept every invariant` : `invariants broken in: ${failed.join(', ')}`);
process.exit(failed.length === 0 ? 0 : 1);
