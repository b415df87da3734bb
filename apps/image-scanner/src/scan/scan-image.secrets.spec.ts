import { exampleRegistryImagePushed, type ScanCompletedEvent } from '@portcullis/contracts';
import { InMemoryContributionCache } from '@portcullis/sbom';
import { createSecretScanner } from '@portcullis/secrets';
import { describe, expect, it, vi } from 'vitest';
import { fakeGithubToken, layerTar, TEST_FINGERPRINT_KEY } from '../../test/secret-fixtures.js';
import { type TriageDecision } from '../secrets/judge-secrets.js';
import { type LayerSecrets } from '../secrets/layer-secrets.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { type ImageLayer, type ScanKey } from './scan-image.ports.js';
import { type CachedScan, DEFAULT_VULNERABILITY_POLICY } from './scan-report.js';
import { ScanImage, type ScanImageDeps } from './scan-image.use-case.js';

const image = exampleRegistryImagePushed().image;
const layer = (n: number): ImageLayer => ({ digest: `sha256:${String(n).repeat(64)}`, size: 100, mediaType: 'application/vnd.oci.image.layer.v1.tar', diffId: `sha256:${'f'.repeat(64)}` });
const ADDED = layer(1);
const REMOVED = layer(2);
const engine = createSecretScanner({ fingerprintKey: TEST_FINGERPRINT_KEY, workers: 0 });
const noVulnerabilities = { current: () => ({ version: 'sha256:db1', match: () => ({ findings: [], skipped: [] }) }) };

function setup(options: { token: string; envToken: string; triage?: Map<string, TriageDecision> }) {
  const files: Record<string, Record<string, string>> = {
    // Layer 1 copies a credential in; layer 2 deletes it (`RUN rm /root/.git-credentials`).
    [ADDED.digest]: { 'root/.git-credentials': `https://ci:${options.token}@github.com\n`, 'app/main.js': 'console.log(1)\n' },
    [REMOVED.digest]: { 'root/.wh..git-credentials': '' },
  };
  const results = new Map<string, CachedScan>();
  const layerSecrets = new Map<string, string>();
  const completed: ScanCompletedEvent[] = [];
  const keyOf = (k: ScanKey) => `${k.digest}|${k.platform}|${k.dbVersion}`;
  const images = {
    resolve: vi.fn(async () => ({
      manifestDigest: image.digest,
      platform: 'linux/amd64',
      layers: [ADDED, REMOVED],
      config: { env: ['PATH=/usr/bin', `GITHUB_TOKEN=${options.envToken}`], history: [] },
    })),
    openLayer: vi.fn(async (_image: unknown, l: ImageLayer) => layerTar(files[l.digest]!)),
  };
  const sbomCache = new InMemoryContributionCache();
  const deps: ScanImageDeps = {
    images,
    layerCache: sbomCache,
    results: { get: async (k) => results.get(keyOf(k)), put: async (k, scan) => void results.set(keyOf(k), JSON.parse(JSON.stringify(scan)) as CachedScan) },
    lock: { withLock: (_name, fn) => fn(new AbortController().signal) },
    publish: { completed: async (body) => void completed.push(body), failed: async () => undefined },
    vulndb: noVulnerabilities,
    slots: new ConcurrencyLimit(2),
    metrics: { resultCache: vi.fn(), layerCache: vi.fn(), inProgress: vi.fn(), outcome: vi.fn() },
    logger: { info: vi.fn(), warn: vi.fn() },
    clock: () => new Date('2026-06-01T00:00:00Z'),
    secrets: {
      engine,
      // Stored as JSON, as Redis would.
      cache: { get: async (d) => (layerSecrets.has(d) ? (JSON.parse(layerSecrets.get(d)!) as LayerSecrets) : undefined), set: async (d, s) => void layerSecrets.set(d, JSON.stringify(s)) },
      triage: { findMany: async () => options.triage ?? new Map() },
      settings: { maxFileBytes: 1024 * 1024, maxImageBytes: 10 * 1024 * 1024, maxImageMs: 60_000, failOn: 'high' },
    },
    settings: { platform: 'linux/amd64', maxAttempts: 3, timeoutMs: 60_000, maxImageBytes: 1_000_000, policy: DEFAULT_VULNERABILITY_POLICY },
  };
  return { sut: new ScanImage(deps), deps, images, results, layerSecrets, sbomCache, completed };
}

const command = { image, attempt: 1, origin: { eventId: 'evt-1' } };

describe('ScanImage: secrets in images', () => {
  it('reports a token added in one layer and deleted in the next, and one in the env, failing an image without vulnerabilities', async () => {
    const token = fakeGithubToken();
    const envToken = fakeGithubToken();
    const { sut, images, completed, results, layerSecrets } = setup({ token, envToken });

    expect(await sut.execute(command)).toEqual({ kind: 'completed', cached: false, verdict: 'fail' });

    const body = completed[0]!;
    expect(body.vulnerabilities).toEqual([]);
    expect(body.secrets).toMatchObject({ verdict: 'fail', policy: { source: 'default', failOn: 'high', suppressed: 0 }, stats: { layers: 2, files: 2 } });
    expect(body.secrets?.findings.map((f) => ({ source: f.source, path: f.path, layerDigest: f.layerDigest, deletedLater: f.deletedLater }))).toEqual([
      { source: 'env', path: 'config.env[GITHUB_TOKEN]', layerDigest: undefined, deletedLater: false },
      { source: 'layer', path: 'root/.git-credentials', layerDigest: ADDED.digest, deletedLater: true },
    ]);
    // One pull per layer feeds both the SBOM and the secret scan.
    expect(images.openLayer).toHaveBeenCalledTimes(2);
    // The raw values are nowhere: not in the event, the result cache or the layer cache.
    for (const text of [JSON.stringify(completed), JSON.stringify([...results.values()]), JSON.stringify([...layerSecrets.values()])]) {
      for (const raw of [token, envToken, token.slice(4, 24), envToken.slice(4, 24)]) expect(text).not.toContain(raw);
    }
  });

  it('pulls a layer for its secrets when only its SBOM contribution was cached, then takes both from the caches', async () => {
    const { sut, images, completed, sbomCache, deps } = setup({ token: fakeGithubToken(), envToken: 'none' });
    // Scanned once by a scanner without secrets: SBOM contributions cached, no secret results.
    await new ScanImage({ ...deps, secrets: undefined, results: { get: async () => undefined, put: async () => undefined } }).execute(command);
    expect(images.openLayer).toHaveBeenCalledTimes(2);
    expect(await sbomCache.get(ADDED.digest)).toBeDefined();

    await sut.execute(command);
    expect(images.openLayer).toHaveBeenCalledTimes(4);
    expect(completed.at(-1)?.secrets?.findings.map((f) => f.path)).toEqual(['root/.git-credentials']);

    // Another digest made of the same layers: nothing pulled.
    await sut.execute({ ...command, image: { ...image, digest: `sha256:${'9'.repeat(64)}` } });
    expect(images.openLayer).toHaveBeenCalledTimes(4);
    expect(completed.at(-1)).toMatchObject({ verdict: 'fail', secrets: { findings: [{ path: 'root/.git-credentials', deletedLater: true }] } });
  });

  it('does not answer from a cached result made without the secret scan', async () => {
    const { sut, deps, images, completed } = setup({ token: fakeGithubToken(), envToken: 'none' });
    await new ScanImage({ ...deps, secrets: undefined }).execute(command);
    expect(completed[0]?.secrets).toBeUndefined();

    expect(await sut.execute(command)).toMatchObject({ cached: false, verdict: 'fail' });
    expect(completed[1]?.secrets?.findings).toHaveLength(1);
    expect(images.resolve).toHaveBeenCalledTimes(2);
  });

  it('passes once the secret is triaged as rotated, judged again on a cached result', async () => {
    const token = fakeGithubToken();
    const triage = new Map<string, TriageDecision>();
    const { sut, completed } = setup({ token, envToken: 'none', triage });
    await sut.execute(command);
    const fingerprint = completed[0]!.secrets!.findings[0]!.fingerprint;

    triage.set(fingerprint, { state: 'rotated' });
    expect(await sut.execute(command)).toEqual({ kind: 'completed', cached: true, verdict: 'pass' });
    expect(completed[1]?.secrets).toMatchObject({ verdict: 'pass', findings: [{ triage: 'rotated', suppressed: true }], policy: { suppressed: 1 } });
  });
});
