import { type ImageReference, type ScanCompletedEvent } from '@portcullis/contracts';
import { VulnDbBuilder } from '@portcullis/vulndb';
import { describe, expect, it, vi } from 'vitest';
import { type StoredSbom } from '../scan/scan-image.ports.js';
import { RematchDeployed } from './rematch-deployed.use-case.js';

const PLATFORM = 'linux/amd64';
const deployed: ImageReference = { registry: 'ghcr.io', repository: 'acme/api', digest: `sha256:${'1'.repeat(64)}` };

function db(...advisories: string[]) {
  const builder = new VulnDbBuilder();
  builder.addJson(JSON.stringify({ id: 'GHSA-base', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'other' }, versions: ['9.9.9'] }] }), 'base.json');
  for (const id of advisories) {
    builder.addJson(
      JSON.stringify({
        id,
        modified: '2024-01-01T00:00:00Z',
        database_specific: { severity: 'HIGH' },
        affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }] }],
      }),
      `${id}.json`,
    );
  }
  return builder.build();
}

const quiet = { info: vi.fn(), warn: vi.fn() };

function setup(options: { stored?: StoredSbom; claimed?: boolean; failPublish?: boolean } = {}) {
  const sboms = new Map<string, StoredSbom>(options.stored ? [[`${deployed.digest}:${PLATFORM}`, options.stored]] : []);
  const published: { body: ScanCompletedEvent; id: string }[] = [];
  const claim = { tryClaim: vi.fn(() => Promise.resolve(options.claimed !== true)), release: vi.fn(() => Promise.resolve()) };
  const sut = new RematchDeployed({
    deployed: () => Promise.resolve([deployed]),
    sboms: {
      get: (key) => Promise.resolve(sboms.get(`${key.digest}:${key.platform}`)),
      put: (key, sbom) => Promise.resolve(void sboms.set(`${key.digest}:${key.platform}`, sbom)),
    },
    claim,
    publish: (body, id) => (options.failPublish ? Promise.reject(new Error('kafka down')) : Promise.resolve(void published.push({ body, id }))),
    logger: quiet,
    settings: { platform: PLATFORM, policy: { failOn: 'high', requireFix: true } },
  });
  return { sut, sboms, published, claim };
}

function storedUnder(version: string): StoredSbom {
  return { platform: PLATFORM, packages: [{ type: 'npm', name: 'left-pad', version: '1.0.0' }], packageCount: 1, vulndbVersion: version, verdict: 'pass', findingIds: [] };
}

describe('RematchDeployed', () => {
  it('publishes scan.completed with the new version when a new advisory changes a deployed image verdict', async () => {
    const next = db('GHSA-new');
    const { sut, published, sboms } = setup({ stored: storedUnder(db().version) });

    const report = await sut.execute(next);

    expect(report).toMatchObject({ outcome: 'done', matched: 1, changed: 1 });
    expect(published).toHaveLength(1);
    expect(published[0]!.body).toMatchObject({ kind: 'scan.completed', image: deployed, vulndbVersion: next.version, verdict: 'fail' });
    expect(published[0]!.body.vulnerabilities.map((v) => v.id)).toEqual(['GHSA-new']);
    expect(published[0]!.id).toBe(`rematch:${next.version}:${deployed.digest}:scan-completed`);
    expect(sboms.get(`${deployed.digest}:${PLATFORM}`)).toMatchObject({ vulndbVersion: next.version, verdict: 'fail' });
  });

  it('publishes nothing when the new database leaves verdict and findings as they were', async () => {
    const { sut, published } = setup({ stored: storedUnder(db().version) });

    const report = await sut.execute(dbWithOtherPackage());

    expect(report).toMatchObject({ matched: 1, changed: 0 });
    expect(published).toEqual([]);
  });

  it('does nothing when another instance claimed the version', async () => {
    const { sut, published } = setup({ stored: storedUnder(db().version), claimed: true });

    expect((await sut.execute(db('GHSA-new'))).outcome).toBe('claimed-elsewhere');
    expect(published).toEqual([]);
  });

  it('counts a deployed digest without a stored SBOM and does not match it', async () => {
    const { sut, published } = setup();

    expect(await sut.execute(db('GHSA-new'))).toMatchObject({ matched: 0, withoutSbom: 1, changed: 0 });
    expect(published).toEqual([]);
  });

  it('gives the claim back and keeps the old facts when publishing fails, so a retry publishes', async () => {
    const before = storedUnder(db().version);
    const next = db('GHSA-new');
    const { sut, claim, sboms } = setup({ stored: before, failPublish: true });

    await expect(sut.execute(next)).rejects.toThrow('kafka down');

    expect(claim.release).toHaveBeenCalledWith(next.version);
    expect(sboms.get(`${deployed.digest}:${PLATFORM}`)).toEqual(before);
  });
});

function dbWithOtherPackage() {
  const builder = new VulnDbBuilder();
  builder.addJson(JSON.stringify({ id: 'GHSA-base', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'other' }, versions: ['9.9.9'] }] }), 'base.json');
  builder.addJson(JSON.stringify({ id: 'GHSA-other', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'other' }, versions: ['1.0.0'] }] }), 'other.json');
  return builder.build();
}
