import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkScenario,
  engineFindings,
  everythingWritten,
  leaksIn,
  type Pipeline,
  PipelineObserver,
  type ReleaseReport,
  runScenario,
  type ScenarioRun,
  startPipeline,
} from './harness/index.js';
import { SCENARIO_KINDS, type ScenarioKind } from './scenarios/scenario.model.js';

/*
 * The whole pipeline end to end: the five built services as processes (one instance each), real
 * Kafka, Redis, git server, registry and Kubernetes control plane (kwok nodes), the Slack and
 * GitHub stand-ins. Each scenario is sent the way the outside world sends it — a commit pushed to
 * the git server with GitHub's signed push webhook, an image pushed to the registry with the
 * registry's notification and CI's build announcement — and must end exactly as it says: the
 * deploy.events path, the audit and scan, the cluster, one Slack root message, the commit statuses.
 */

let pipeline: Pipeline;
let observer: PipelineObserver;
const runs = new Map<ScenarioKind, ScenarioRun>();

beforeAll(async () => {
  pipeline = await startPipeline({ label: 'e2e' });
  observer = await PipelineObserver.start(pipeline.kafka, pipeline.prefix);
  // Every scenario at once, as many repositories push at once (each scenario is its own repository and app).
  const sent = await Promise.all(SCENARIO_KINDS.map(async (kind) => [kind, await runScenario(pipeline, observer, kind)] as const));
  for (const [kind, run] of sent) runs.set(kind, run);
}, 300_000);

afterAll(async () => {
  await observer?.stop();
  for (const run of runs.values()) run.repo.remove();
  await pipeline?.stop();
});

const summary = (reports: readonly ReleaseReport[]) => reports.map((r) => ({ release: r.title, outcome: r.outcome, problems: r.problems }));

async function reportsOf(kind: ScenarioKind): Promise<ReleaseReport[]> {
  const reports = await checkScenario(pipeline, observer, runs.get(kind)!);
  const failing = reports.filter((r) => r.problems.length > 0);
  // On failure, the services' last lines say why.
  const tails = failing.length === 0 ? '' : (['webhook-intake', 'secret-auditor', 'image-scanner', 'deploy-orchestrator', 'notifier'] as const).map((s) => `--- ${s}\n${pipeline.instances(s)[0]?.tail() ?? ''}`).join('\n');
  expect(summary(reports), tails).toEqual(summary(reports).map((r) => ({ ...r, problems: [] })));
  return reports;
}

describe('the whole pipeline, from webhooks to Slack, on the local stack', () => {
  it('deploys a clean release: audited, scanned, gated, rolled out with its image pinned, one Slack root, green statuses', async () => {
    const [report] = await reportsOf('clean');
    expect(report!.outcome).toBe('succeeded (RolloutComplete)');
    expect(report!.cluster).toMatch(/@sha256:[0-9a-f]{64}, 2\/2 ready, release github\//);
    expect(report!.slack.text).toMatch(/deployed|succeeded/i);
  }, 180_000);

  it('blocks a release that leaks a GitHub token, showing only its masked preview', async () => {
    const [report] = await reportsOf('leaked-token');
    expect(report!.outcome).toBe('blocked (SecretsFound)');
    expect(report!.audit).toMatch(/github-pat src\/github\.ts:2 /);
    expect(report!.cluster).toBe('absent');
   }, 180_000);

  it('blocks a release that commits a plaintext Kubernetes Secret', async () => {
    const [report] = await reportsOf('plaintext-secret');
    expect(report!.outcome).toBe('blocked (SecretsFound)');
    expect(report!.audit).toMatch(/k8s-plain-secret deploy\/db-secret\.yaml:7/);
   }, 180_000);

  it('blocks a release whose image has a fixable critical vulnerability', async () => {
    const [report] = await reportsOf('vulnerable-image');
    expect(report!.outcome).toBe('blocked (VulnerabilitiesFound)');
    expect(report!.scan).toMatch(/GHSA-xvch-5gv4-984h minimist@1\.2\.5/);
   }, 180_000);

  it('rolls a failing rollout back to the release before it, which stays live', async () => {
    const [good, bad] = await reportsOf('failing-rollout');
    expect(good!.outcome).toBe('succeeded (RolloutComplete)');
    expect(bad!.outcome).toBe('rolled_back (AutomaticRollback)');
    expect(bad!.cluster).toContain(`release ${good!.releaseId}`);
   }, 180_000);

  it('never lets a planted secret reach Kafka, Redis, the services’ output, Slack or GitHub', async () => {
    const planted = [...runs.values()].flatMap((r) => r.planted);
    expect(planted.length).toBeGreaterThanOrEqual(2);
    const texts = await everythingWritten(pipeline);
    expect(texts.map((t) => t.where)).toEqual(expect.arrayContaining(['Redis keys', 'Redis values', 'service output', 'Slack messages', 'GitHub commit statuses']));
    expect(texts.some((t) => t.where.startsWith('Kafka topic'))).toBe(true);
    expect(leaksIn(texts, planted), 'places holding a planted secret').toEqual([]);

    // The engine too: a value the test did not plant (a credential echoed by a service) would not be caught literally.
    expect(await engineFindings(texts.filter((t) => t.where !== 'Redis keys'), pipeline.secrets.fingerprintKey)).toEqual([]);
  }, 180_000);
});
