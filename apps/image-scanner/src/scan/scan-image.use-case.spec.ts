import { exampleRegistryImagePushed, type ScanCompletedEvent, type ScanFailedEvent } from '@portcullis/contracts';
import { NotReadyError } from '@portcullis/errors';
import { RegistryError } from '@portcullis/registry';
import { InMemoryContributionCache, indexLayer } from '@portcullis/sbom';
import { type PackageRef } from '@portcullis/vulndb';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { describe, expect, it, vi } from 'vitest';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { type PolicySource, type ResolvedImagePolicy } from '../policy/policy-source.js';
import { type ImageLayer, type ImageSource, type MatchOutput, type ScanKey, type StoredSbom } from './scan-image.ports.js';
import { type CachedScan, DEFAULT_VULNERABILITY_POLICY } from './scan-report.js';
import { ScanImage, type ScanImageDeps } from './scan-image.use-case.js';

const image = exampleRegistryImagePushed().image;
const layer = (n: number): ImageLayer => ({ digest: `sha256:${String(n).repeat(64)}`, size: 100, mediaType: 'application/vnd.oci.image.layer.v1.tar', diffId: `sha256:${'f'.repeat(64)}` });
const BASE = layer(1);
const APP = layer(2);

async function tarOf(files: Record<string, string>): Promise<Readable> {
  const archive = pack();
  for (const [name, content] of Object.entries(files)) archive.entry({ name }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Readable.from([Buffer.concat(chunks)]);
}

const LAYER_FILES: Record<string, Record<string, string>> = {
  [BASE.digest]: { 'usr/lib/node_modules/minimist/package.json': JSON.stringify({ name: 'minimist', version: '1.2.5' }) },
  [APP.digest]: { 'app/node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.17.21' }) },
};

/** A database that knows one advisory: minimist below 1.2.6. */
const vulndb = {
  current: () => ({
    version: 'sha256:db1',
    match: (packages: readonly PackageRef[]): MatchOutput => ({
      findings: packages
        .filter((p) => p.name === 'minimist' && p.version === '1.2.5')
        .map((p) => ({ vulnerabilityId: 'GHSA-xvch-5gv4-984h', aliases: ['CVE-2021-44906'], package: p, installedVersion: p.version, ecosystem: 'npm', fixedVersions: ['1.2.6'], severity: 'critical' as const })),
      skipped: [],
    }),
  }),
};

function setup(overrides: { images?: Partial<ImageSource>; lock?: ScanImageDeps['lock']; maxImageBytes?: number; policies?: PolicySource } = {}) {
  const cache = new Map<string, CachedScan>();
  const keyOf = (k: ScanKey) => `${k.digest}|${k.platform}|${k.dbVersion}`;
  const completed: ScanCompletedEvent[] = [];
  const failed: ScanFailedEvent[] = [];
  const opened: string[] = [];
  const images = {
    resolve: vi.fn(async () => ({ manifestDigest: image.digest, platform: 'linux/amd64', layers: [BASE, APP] })),
    openLayer: vi.fn(async (_image: unknown, l: ImageLayer) => {
      opened.push(l.digest);
      return tarOf(LAYER_FILES[l.digest]!);
    }),
    ...overrides.images,
  };
  const layerCache = new InMemoryContributionCache();
  const deps: ScanImageDeps = {
    images,
    layerCache,
    results: { get: async (k) => cache.get(keyOf(k)), put: async (k, scan) => void cache.set(keyOf(k), scan) },
    lock: overrides.lock ?? { withLock: (_name, fn) => fn(new AbortController().signal) },
    publish: { completed: async (body) => void completed.push(body), failed: async (body) => void failed.push(body) },
    vulndb,
    slots: new ConcurrencyLimit(2),
    metrics: { resultCache: vi.fn(), layerCache: vi.fn(), inProgress: vi.fn(), outcome: vi.fn() },
    logger: { info: vi.fn(), warn: vi.fn() },
    ...(overrides.policies ? { policies: overrides.policies } : {}),
    clock: () => new Date('2026-06-01T00:00:00Z'),
    settings: { platform: 'linux/amd64', maxAttempts: 3, timeoutMs: 60_000, maxImageBytes: overrides.maxImageBytes ?? 1_000_000, policy: DEFAULT_VULNERABILITY_POLICY },
  };
  return { sut: new ScanImage(deps), deps, images, opened, layerCache, completed, failed };
}

const command = (attempt = 1) => ({ image, attempt, origin: { eventId: 'evt-1' } });

describe('ScanImage', () => {
  it('scans an unseen digest, publishes the findings and answers the next request from the cache', async () => {
    const { sut, images, completed } = setup();

    expect(await sut.execute(command())).toEqual({ kind: 'completed', cached: false, verdict: 'fail' });
    expect(await sut.execute(command())).toEqual({ kind: 'completed', cached: true, verdict: 'fail' });

    expect(images.resolve).toHaveBeenCalledTimes(1);
    expect(images.openLayer).toHaveBeenCalledTimes(2);
    expect(completed[0]).toMatchObject({ kind: 'scan.completed', image, cached: false, packageCount: 2, vulndbVersion: 'sha256:db1', vulnerabilities: [{ id: 'GHSA-xvch-5gv4-984h', fixedVersion: '1.2.6' }] });
    expect(completed[1]).toMatchObject({ cached: true, vulnerabilities: completed[0]!.vulnerabilities });
  });

  it('ties the result to the release of a build announcement', async () => {
    const { sut, completed } = setup();
    const release = { releaseId: `github/acme/shop@${'a'.repeat(40)}`, repository: { provider: 'github' as const, owner: 'acme', name: 'shop' } };
    await sut.execute({ ...command(), release });
    expect(completed[0]).toMatchObject({ releaseId: release.releaseId, repository: release.repository });
  });

  describe('under the repository policy of a release', () => {
    const sha = 'a'.repeat(40);
    const release = { releaseId: `github/acme/shop@${sha}`, repository: { provider: 'github' as const, owner: 'acme', name: 'shop' } };
    const suppressing = (until: string): ResolvedImagePolicy => ({
      source: 'repository',
      policy: { failOn: 'high', requireFix: true, suppressions: [{ id: 'CVE-2021-44906', package: 'minimist', until, reason: 'build tooling only', owner: 'team-shop', origin: '.portcullis.yaml' }] },
    });

    it('asks for the policy at the release commit and applies its suppressions, also to a cached scan', async () => {
      const policyFor = vi.fn(async () => suppressing('2026-12-31T23:59:59.000Z'));
      const { sut, completed } = setup({ policies: { policyFor } });
      expect(await sut.execute(command())).toEqual({ kind: 'completed', cached: false, verdict: 'fail' });
      expect(await sut.execute({ ...command(), release })).toEqual({ kind: 'completed', cached: true, verdict: 'pass' });
      expect(policyFor).toHaveBeenCalledExactlyOnceWith(release.repository, sha);
      expect(completed[0]).toMatchObject({ policy: { source: 'default', failOn: 'high', suppressed: 0 }, vulnerabilities: [{ suppressed: false }] });
      expect(completed[1]).toMatchObject({
        policy: { source: 'repository', failOn: 'high', suppressed: 1 },
        counts: { critical: 0 },
        vulnerabilities: [{ id: 'GHSA-xvch-5gv4-984h', suppressed: true }],
      });
    });

    it('ignores an expired suppression', async () => {
      const { sut, completed } = setup({ policies: { policyFor: async () => suppressing('2026-05-31T23:59:59.000Z') } });
      expect(await sut.execute({ ...command(), release })).toMatchObject({ verdict: 'fail' });
      expect(completed[0]).toMatchObject({ policy: { source: 'repository', suppressed: 0 }, counts: { critical: 1 } });
    });

    it('reports verdict error under the default policy when the repository policy is invalid', async () => {
      const invalid: ResolvedImagePolicy = { source: 'default', policy: { failOn: 'high', requireFix: true, suppressions: [] }, invalid: ['images.failon: unrecognized key'] };
      const { sut, completed, deps } = setup({ policies: { policyFor: async () => invalid } });
      expect(await sut.execute({ ...command(), release })).toEqual({ kind: 'completed', cached: false, verdict: 'error' });
      expect(completed[0]).toMatchObject({ verdict: 'error', policy: { source: 'default' }, counts: { critical: 1 } });
      expect(deps.logger.warn).toHaveBeenCalledWith(expect.objectContaining({ problems: invalid.invalid }), expect.stringContaining('invalid image policy'));
    });
  });

  it('pulls only the layers whose contribution is not cached yet', async () => {
    const { sut, opened, layerCache } = setup();
    await layerCache.set(BASE.digest, await indexLayer(BASE.digest, await tarOf(LAYER_FILES[BASE.digest]!)));

    await sut.execute(command());

    expect(opened).toEqual([APP.digest]);
  });

  it('joins a scan of the same digest already running in this instance', async () => {
    const { sut, images, completed } = setup();
    const [a, b] = await Promise.all([sut.execute(command()), sut.execute({ ...command(), origin: { eventId: 'evt-2' } })]);
    expect([a, b].map((o) => o.kind === 'completed' && o.cached).sort()).toEqual([false, true]);
    expect(images.resolve).toHaveBeenCalledTimes(1);
    expect(completed).toHaveLength(2);
  });

  it('re-schedules without publishing when another instance holds the digest', async () => {
    const busy = new NotReadyError('held', 500);
    const { sut, completed, failed } = setup({ lock: { withLock: () => Promise.reject(busy) } });
    await expect(sut.execute(command(3))).rejects.toBe(busy);
    expect([...completed, ...failed]).toEqual([]);
  });

  it('reports a permanent registry failure as scan.failed with its code at once', async () => {
    const { sut, failed } = setup({ images: { resolve: () => Promise.reject(new RegistryError('AUTH_FAILED', 'registry.example.com/acme/shop-api: 401 after the challenge')) } });
    expect(await sut.execute(command(1))).toEqual({ kind: 'failed', code: 'AUTH_FAILED' });
    expect(failed).toEqual([
      { kind: 'scan.failed', image, code: 'AUTH_FAILED', message: expect.stringContaining('The image registry refused access to the image.') as string },
    ]);
  });

  it('hands a rate-limited pull back for a retry honouring Retry-After, and reports it on the last attempt', async () => {
    const limited = new RegistryError('RATE_LIMITED', 'registry.example.com: 429', { retryAfterMs: 7_000 });
    const { sut, failed } = setup({ images: { resolve: () => Promise.reject(limited) } });
    await expect(sut.execute(command(1))).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 7_000 });
    expect(failed).toEqual([]);
    expect(await sut.execute(command(3))).toEqual({ kind: 'failed', code: 'RATE_LIMITED' });
  });

  it('refuses an image above the size bound without pulling a layer', async () => {
    const { sut, images, failed } = setup({ maxImageBytes: 150 });
    expect(await sut.execute(command())).toEqual({ kind: 'failed', code: 'IMAGE_TOO_LARGE' });
    expect(images.openLayer).not.toHaveBeenCalled();
    expect(failed[0]?.message).toContain('layers total 200 bytes, limit 150');
  });

  it('gives up a scan that outlives its time budget and retries it', async () => {
    const { deps } = setup({ images: { resolve: () => new Promise(() => undefined) } });
    const timed = new ScanImage({ ...deps, settings: { ...deps.settings, timeoutMs: 20 } });
    await expect(timed.execute(command(1))).rejects.toMatchObject({ code: 'SCAN_TIMEOUT' });
    expect(await timed.execute(command(3))).toEqual({ kind: 'failed', code: 'SCAN_TIMEOUT' });
  });
});

describe('ScanImage for re-matching', () => {
  it('stores the scanned packages with the verdict and findings, and reports the scan pending from the event time until it ends', async () => {
    const { deps } = setup();
    const stored = new Map<string, StoredSbom>();
    const pending: Date[] = [];
    let left = 0;
    const sut = new ScanImage({
      ...deps,
      sboms: { get: async () => undefined, put: async (key, sbom) => void stored.set(`${key.digest}|${key.platform}`, sbom) },
      queue: {
        enter: (at) => {
          pending.push(at);
          return () => void (left += 1);
        },
      },
    });
    const requestedAt = new Date('2026-05-31T23:59:00Z');

    await sut.execute({ ...command(), requestedAt });
    await sut.execute({ ...command(), requestedAt });

    const sbom = stored.get(`${image.digest}|linux/amd64`);
    expect(sbom).toMatchObject({ vulndbVersion: 'sha256:db1', verdict: 'fail', packageCount: 2, findingIds: ['GHSA-xvch-5gv4-984h npm/minimist@1.2.5'] });
    expect(sbom?.packages.map((p) => p.name).sort()).toEqual(['lodash', 'minimist']);
    // The second event is answered from the cache: only the real scan was pending.
    expect(pending).toEqual([requestedAt]);
    expect(left).toBe(1);
  });

  it('completes the scan when storing the SBOM fails', async () => {
    const { deps, completed } = setup();
    const sut = new ScanImage({ ...deps, sboms: { get: async () => undefined, put: () => Promise.reject(new Error('redis down')) } });

    expect(await sut.execute(command())).toMatchObject({ kind: 'completed', verdict: 'fail' });
    expect(completed).toHaveLength(1);
  });
});
