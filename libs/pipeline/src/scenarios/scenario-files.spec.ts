import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentName, Severity } from '@portcullis/contracts';
import { checkManifestPolicy, ManifestPolicy, parseManifests, pinImages, STRICT_MANIFEST_POLICY, type KubeObject } from '@portcullis/manifests';
import { createSecretScanner, type Finding } from '@portcullis/secrets';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { LEAKED_TOKEN_FINDING, PLAINTEXT_SECRET_FINDING } from './scenario-outcome.js';
import { KWOK_NEVER_READY_LABEL, MANIFESTS_DIR, PIPELINE_FILE, scenarioFiles, type ScenarioFiles } from './scenario-files.js';
import { SCENARIO_KINDS, type ExpectedSecretFinding, type ScenarioParams } from './scenario.model.js';

const params: ScenarioParams = { owner: 'acme', registry: '127.0.0.1:25819', namespace: 'demo-staging' };
const digest = `sha256:${'ab'.repeat(32)}`;

/** The pipeline file as the services parse it: YAML, one document, an object. */
function pipelineOf(files: ScenarioFiles): Record<string, Record<string, unknown>> {
  return parseYaml(files.files[PIPELINE_FILE]!) as Record<string, Record<string, unknown>>;
}

/** What the deploy orchestrator applies: the manifests directory parsed, placed in the namespace, the release image pinned. */
function manifestsOf(files: ScenarioFiles) {
  const sources = new Map(Object.entries(files.files).filter(([path]) => path.startsWith(`${MANIFESTS_DIR}/`)));
  const parsed = parseManifests(sources);
  const placed = parsed.objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: params.namespace } }));
  const deploy = pipelineOf(files)['deploy']!;
  const images = (deploy['images'] as string[]).map((repo) => {
    const slash = repo.indexOf('/');
    return { registry: repo.slice(0, slash), repository: repo.slice(slash + 1), digest };
  });
  return { parsed, pinned: pinImages(placed, images) };
}

function podLabels(object: KubeObject): Record<string, string> {
  const spec = object['spec'] as { template: { metadata: { labels: Record<string, string> } } };
  return spec.template.metadata.labels;
}

describe('scenarioFiles: the pipeline file', () => {
  it.each(SCENARIO_KINDS)('%s: parses as YAML with only the sections and keys the services accept', (kind) => {
    const pipeline = pipelineOf(scenarioFiles(kind, params));
    expect(Object.keys(pipeline).sort()).toEqual(['deploy', 'images', 'secrets']);
    // The app schemas are strict; these are their keys (apps/*/src/**/*.schema.ts), checked by value below.
    expect(Object.keys(pipeline['secrets']!)).toEqual(['failOn']);
    expect(Object.keys(pipeline['images']!).sort()).toEqual(['failOn', 'fixableOnly']);
    expect(Severity.parse(pipeline['secrets']!['failOn'])).toBe('high');
    expect(Severity.parse(pipeline['images']!['failOn'])).toBe('high');
    const deploy = pipeline['deploy']!;
    expect(Object.keys(deploy).sort()).toEqual(['app', 'environments', 'images', 'manifests']);
    expect(deploy['manifests']).toEqual({ path: MANIFESTS_DIR });
    // No `policy:`: the deploy section's default is the strict policy.
    expect(ManifestPolicy.parse({})).toEqual(STRICT_MANIFEST_POLICY);
    const [env] = deploy['environments'] as Record<string, unknown>[];
    expect(EnvironmentName.parse(env!['name'])).toBe('staging');
    expect(env).toEqual({ name: 'staging', namespace: 'demo-staging', strategy: 'rolling', progressDeadlineSeconds: 8 });
    // The regex of DeploySection's image repositories (registry/repository, lower-case, no tag).
    for (const image of deploy['images'] as string[]) expect(image).toMatch(/^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._/-]+$/);
  });

  it('names the scenario repository as app and image, and a notify channel only when asked', () => {
    const deploy = pipelineOf(scenarioFiles('leaked-token', params))['deploy']!;
    expect(deploy['app']).toBe('billing');
    expect(deploy['images']).toEqual(['127.0.0.1:25819/acme/billing']);
    expect(pipelineOf(scenarioFiles('clean', { ...params, name: 'svc-7', notifyChannel: '#team' }))).toMatchObject({
      deploy: { app: 'svc-7', images: ['127.0.0.1:25819/acme/svc-7'] },
      notify: { channel: '#team' },
    });
  });
});

describe('scenarioFiles: the manifests', () => {
  it.each(SCENARIO_KINDS.filter((k) => k !== 'plaintext-secret'))('%s: parse, pin the release image and pass the default manifest policy', (kind) => {
    const { parsed, pinned } = manifestsOf(scenarioFiles(kind, params));
    expect(parsed.problems).toEqual([]);
    expect(parsed.objects.map((o) => o.kind)).toEqual(['Deployment']);
    // deploy.images names the manifest's image, so the orchestrator pins it (an unused image is a typo).
    expect(pinned.unused).toEqual([]);
    expect(pinned.pinned.map((p) => p.to)).toEqual([`127.0.0.1:25819/acme/${pipelineOf(scenarioFiles(kind, params))['deploy']!['app'] as string}@${digest}`]);
    expect(checkManifestPolicy(pinned.objects, STRICT_MANIFEST_POLICY, { defaultNamespace: params.namespace })).toEqual([]);
  });

  it('plaintext-secret: the Secret would also break the manifest policy (the secrets gate blocks first)', () => {
    const { parsed, pinned } = manifestsOf(scenarioFiles('plaintext-secret', params));
    expect(parsed.problems).toEqual([]);
    const violations = checkManifestPolicy(pinned.objects, STRICT_MANIFEST_POLICY, { defaultNamespace: params.namespace });
    expect(violations.map((v) => [v.rule, v.object])).toEqual([['plaintextSecrets', 'Secret/demo-staging/orders-db']]);
  });

  it('failing-rollout: only its pod template carries the kwok never-ready label; it is the clean tree with two files changed', () => {
    const failing = scenarioFiles('failing-rollout', params);
    const good = scenarioFiles('clean', { ...params, name: 'checkout' });
    expect(podLabels(manifestsOf(failing).parsed.objects[0]!)).toEqual({ app: 'checkout', [KWOK_NEVER_READY_LABEL]: 'true' });
    expect(podLabels(manifestsOf(good).parsed.objects[0]!)).toEqual({ app: 'checkout' });
    expect(Object.keys(failing.files).sort()).toEqual(Object.keys(good.files).sort());
    const changed = Object.keys(good.files).filter((path) => good.files[path] !== failing.files[path]);
    expect(changed.sort()).toEqual([`${MANIFESTS_DIR}/deployment.yaml`, 'src/server.ts']);
  });
});

describe('scenarioFiles: the secrets, with the default rules of the secret engine', () => {
  const engine = createSecretScanner({ fingerprintKey: Buffer.alloc(32, 7), workers: 0 });
  afterAll(() => engine.close());

  async function findingsIn(files: Readonly<Record<string, string>>): Promise<Finding[]> {
    const results = await Promise.all(Object.entries(files).map(([path, content]) => engine.scan({ path, content })));
    for (const r of results) expect(r.skips).toEqual([]);
    return results.flatMap((r) => r.findings);
  }
  const shape = (f: Finding): ExpectedSecretFinding => ({ ruleId: f.ruleId, kind: f.kind, severity: f.severity, path: f.path, line: f.line });

  it.each(['clean', 'vulnerable-image', 'failing-rollout'] as const)('%s: nothing found, nothing planted', async (kind) => {
    const files = scenarioFiles(kind, params);
    expect(files.planted).toEqual([]);
    expect(await findingsIn(files.files)).toEqual([]);
  });

  it.each([
    ['leaked-token', LEAKED_TOKEN_FINDING],
    ['plaintext-secret', PLAINTEXT_SECRET_FINDING],
  ] as const)('%s: exactly the planted value is found, where the expected outcome says, and never leaves unmasked', async (kind, expected) => {
    const files = scenarioFiles(kind, params);
    expect(files.planted).toHaveLength(1);
    const planted = files.planted[0]!;
    expect(Object.values(files.files).filter((c) => c.includes(planted))).toHaveLength(1);
    const findings = await findingsIn(files.files);
    expect(findings.map(shape)).toEqual([expected]);
    expect(JSON.stringify(findings)).not.toContain(planted);
  });

  it('generates new values on every call', () => {
    const a = scenarioFiles('leaked-token', params).planted[0];
    const b = scenarioFiles('leaked-token', params).planted[0];
    expect(a).toMatch(/^ghp_[0-9A-Za-z]{36}$/);
    expect(a).not.toBe(b);
    expect(scenarioFiles('plaintext-secret', params).planted[0]).not.toBe(scenarioFiles('plaintext-secret', params).planted[0]);
  });

  it('keeps our own scenario sources free of anything the scan would report', async () => {
    const dir = import.meta.dirname;
    const sources = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => [join('libs/pipeline/src/scenarios', f), readFileSync(join(dir, f), 'utf8')]));
    expect(Object.keys(sources).length).toBeGreaterThan(4);
    expect((await findingsIn(sources)).map(shape)).toEqual([]);
  });
});
