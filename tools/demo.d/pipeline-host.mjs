#!/usr/bin/env node
// Hosts the demo's pipeline and runs the sample releases through it, then keeps everything up
// (services, Slack page) until SIGTERM (`tools/demo down`). Started by tools/demo in the
// background; its output is the demo's progress and report. Reads the stack from the environment
// (`.stack/env`). Never prints a secret value: the report shows masked previews only.
//   node tools/demo.d/pipeline-host.mjs <run dir>
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { checkScenario, PipelineObserver, runScenario, SCENARIO_KINDS, startPipeline } from '@portcullis/pipeline';
import { createKafkaClient, silentLogger } from '@portcullis/messaging';
import { gitServerEnv, stackEnv } from '@portcullis/testing';
import { adminKubeConfig } from '@portcullis/testing/kube';
import { renderSlackText } from '@portcullis/testing/saas';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const DEMO_LABEL = 'portcullis.dev/demo';
const OWNER = 'acme';
const args = process.argv.slice(2);
if (args.includes('--help') || args.length !== 1) {
  console.log('usage: node tools/demo.d/pipeline-host.mjs <run dir>   (started by tools/demo; stop with SIGTERM)');
  process.exit(args.includes('--help') ? 0 : 2);
}
const runDir = resolve(args[0]);
const color = process.env['DEMO_COLOR'] === '1';
const bold = (s) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (color ? `\x1b[2m${s}\x1b[0m` : s);
const green = (s) => (color ? `\x1b[32m${s}\x1b[0m` : s);
const red = (s) => (color ? `\x1b[31m${s}\x1b[0m` : s);
const say = (line) => console.log(line);
const step = (line) => say(`  ${dim('·')} ${line}`);

/** What a reader should take from each scenario. */
const STORY = {
  clean: 'clean code and image → deployed',
  'leaked-token': 'a GitHub token in src/ → blocked',
  'plaintext-secret': 'a plaintext Kubernetes Secret in deploy/ → blocked',
  'vulnerable-image': 'an image with a fixable critical CVE → blocked',
  'failing-rollout': 'a release whose pods never get ready → rolled back to the one before',
};

/**
 * Removes what earlier demo runs left: namespaces (a run deletes its own on `down`), topics and
 * Redis keys under `demo-…` prefixes (each run has its own, so a re-run never sees an old run's
 * records), and the sample repositories.
 */
async function clearEarlierRuns(admin) {
  const core = admin.makeApiClient(CoreV1Api);
  const old = await core.listNamespace({ labelSelector: `${DEMO_LABEL}=true` });
  for (const ns of old.items) if (ns.status?.phase !== 'Terminating') await core.deleteNamespace({ name: ns.metadata.name });
  rmSync(join(gitServerEnv().root, OWNER), { recursive: true, force: true });
  const stack = stackEnv();
  const kafkaAdmin = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'demo-cleanup' }, silentLogger).admin();
  await kafkaAdmin.connect();
  try {
    const topics = (await kafkaAdmin.listTopics()).filter((t) => t.startsWith('demo-'));
    if (topics.length > 0) await kafkaAdmin.deleteTopics({ topics });
  } finally {
    await kafkaAdmin.disconnect();
  }
  execFileSync('redis-cli', ['-u', stack.redisUrl, '--no-auth-warning', 'EVAL', DELETE_KEYS, '0', 'demo-'], { stdio: 'ignore' });
}

/** Deletes every key under a prefix (SCAN inside Redis; the demo's keys number in the hundreds). */
const DELETE_KEYS = `
local cursor = '0'
repeat
  local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1] .. '*', 'COUNT', 1000)
  cursor = page[1]
  for _, key in ipairs(page[2]) do redis.call('DEL', key) end
until cursor == '0'
return 0
`;

async function deploymentsTable(pipeline) {
  const list = await pipeline.admin.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: pipeline.namespace });
  if (list.items.length === 0) return ['  (no Deployments)'];
  return list.items.map((d) => {
    const image = d.spec.template.spec.containers[0].image;
    return `  ${d.metadata.name.padEnd(10)} ${`${d.status?.readyReplicas ?? 0}/${d.spec.replicas}`.padEnd(5)} ${image.replace(/@sha256:([0-9a-f]{12})[0-9a-f]+/, '@sha256:$1…')}  release ${d.spec.template.metadata.annotations?.['portcullis.dev/release']?.replace(/@([0-9a-f]{7})[0-9a-f]+$/, '@$1')}`;
  });
}

let pipeline;

async function main() {
  const admin = adminKubeConfig();
  await clearEarlierRuns(admin);
  for (const dir of ['logs', 'mirrors']) rmSync(join(runDir, dir), { recursive: true, force: true });
  const stamp = Date.now().toString(36);
  say(bold('[4/5] starting the pipeline: five services, a local Slack and GitHub statuses API'));
  pipeline = await startPipeline({
    label: 'demo',
    prefix: `demo-${stamp}-`,
    owner: OWNER,
    runDir,
    build: false,
    logFiles: true,
    namespace: { name: `portcullis-demo-${stamp}`, labels: { [DEMO_LABEL]: 'true' } },
    slack: { channels: [{ id: 'C0DEPLOYS', name: 'deploys' }] },
    onProgress: step,
  });
  let observer;
  const shutdown = async () => {
    await observer?.stop().catch(() => undefined);
    await pipeline.stop().catch((error) => console.error(`demo: stopping failed: ${error.message}`));
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());

  const state = {
    pid: process.pid,
    prefix: pipeline.prefix,
    namespace: pipeline.namespace,
    slackPage: pipeline.slack.pageUrl,
    intake: pipeline.intakeUrl(),
    services: Object.fromEntries(['webhook-intake', 'secret-auditor', 'image-scanner', 'deploy-orchestrator', 'notifier'].map((s) => [s, pipeline.instances(s).map((i) => `http://127.0.0.1:${i.port}`)])),
  };
  writeFileSync(join(runDir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
  observer = await PipelineObserver.start(pipeline.kafka, pipeline.prefix);

  say(bold('[5/5] pushing the sample releases: commits to the git server, images to the registry, and the webhooks GitHub, the registry and CI would send'));
  for (const kind of SCENARIO_KINDS) step(`${kind.padEnd(17)} ${STORY[kind]}`);
  const runs = await Promise.all(SCENARIO_KINDS.map((kind) => runScenario(pipeline, observer, kind, {}, step)));
  step('waiting for every release to reach its outcome (audit, scan, gates, rollout, Slack, commit statuses)');
  const reports = (await Promise.all(runs.map((run) => checkScenario(pipeline, observer, run)))).flat();

  say('');
  say(bold('Releases'));
  let unexpected = 0;
  for (const r of reports) {
    const ok = r.problems.length === 0;
    if (!ok) unexpected += 1;
    say(`${ok ? green('✓') : red('✗')} ${bold(r.title.padEnd(26))} ${r.kind.padEnd(17)} ${r.outcome}`);
    say(`    audit    ${r.audit}`);
    say(`    scan     ${r.scan}`);
    say(`    cluster  ${r.cluster.replace(/@sha256:([0-9a-f]{12})[0-9a-f]+/, '@sha256:$1…')}`);
    for (const [context, status] of Object.entries(r.statuses)) say(`    status   ${context.padEnd(27)} ${status}`);
    say(`    slack    ${r.slack.roots} root message, ${r.slack.replies.length} repl${r.slack.replies.length === 1 ? 'y' : 'ies'}`);
    for (const problem of r.problems) say(red(`    ✗ ${problem}`));
  }
  say('');
  say(bold(`Cluster: Deployments in namespace ${pipeline.namespace}`));
  for (const line of await deploymentsTable(pipeline)) say(line);
  say('');
  say(bold('Slack, as the team would see it'));
  const transcript = renderSlackText(pipeline.slack, { color });
  say(transcript);
  writeFileSync(join(runDir, 'slack.txt'), `${renderSlackText(pipeline.slack)}\n`);
  say('');
  say(`Slack page:  ${pipeline.slack.pageUrl}   (transcript: ${join(runDir, 'slack.txt')})`);
  say(`Service logs: ${join(runDir, 'logs')}/<service>-<n>-<run>.log (JSON, one line per event)`);
  say(`Releases:    ${reports.length - unexpected} of ${reports.length} ended as expected`);
  // The line tools/demo waits for; the host stays up (services, Slack page) until `tools/demo down`.
  say(`DEMO-END rc=${unexpected === 0 ? 0 : 1}`);
}

main().catch(async (error) => {
  console.error(`demo: ${error.stack ?? error.message}`);
  await pipeline?.stop().catch(() => undefined);
  console.log('DEMO-END rc=1');
  process.exit(1);
});
