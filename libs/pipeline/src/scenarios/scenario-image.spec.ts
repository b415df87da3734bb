import { join } from 'node:path';
import { Readable } from 'node:stream';
import { extractSbom, openLayer, type Sbom } from '@portcullis/sbom';
import { buildImage } from '@portcullis/testing';
import { loadOsvDirectory, type PackageRef, type VulnDb } from '@portcullis/vulndb';
import { beforeAll, describe, expect, it } from 'vitest';
import { MINIMIST_ADVISORY } from './scenario-outcome.js';
import { MINIMIST_CLEAN, MINIMIST_VULNERABLE, scenarioImage } from './scenario-image.js';
import { SCENARIO_KINDS, type ScenarioKind } from './scenario.model.js';

/** The OSV records the image scanner's tests run on (the stack's scanner uses the same set). */
const OSV_FIXTURES = join(import.meta.dirname, '../../../vulndb/test/fixtures/osv');

/** Builds the image and reads it as the image scanner does: layer blobs → SBOM → matcher package refs. */
async function sbomOf(kind: ScenarioKind, run = 'r1'): Promise<{ sbom: Sbom; packages: PackageRef[]; digest: string }> {
  const image = await buildImage(scenarioImage(kind, { run }));
  const sbom = await extractSbom(image.layers.map((l) => ({ digest: l.digest, tar: () => openLayer(l.mediaType, Readable.from([l.data])) })));
  // As apps/image-scanner's packageRefsOf: the image's distro goes onto OS packages only.
  const packages = sbom.packages.map((p): PackageRef => ({ type: p.type, name: p.name, version: p.version }));
  return { sbom, packages, digest: image.manifest.digest };
}

describe('scenarioImage', () => {
  let db: VulnDb;
  beforeAll(async () => {
    db = await loadOsvDirectory(OSV_FIXTURES);
  });

  it('vulnerable-image: the scanner finds minimist 1.2.5 on Debian 12, matched by the fixable critical GHSA-xvch-5gv4-984h', async () => {
    const { sbom, packages } = await sbomOf('vulnerable-image');
    expect(sbom.distro).toMatchObject({ id: 'debian', versionId: '12' });
    expect(packages).toEqual([{ type: 'npm', name: 'minimist', version: MINIMIST_VULNERABLE }]);
    const findings = db.match(packages).findings;
    expect(findings.map((f) => ({ id: f.vulnerabilityId, aliases: f.aliases, severity: f.severity, fixed: f.fixedVersions[0], ecosystem: f.ecosystem }))).toEqual([
      { id: MINIMIST_ADVISORY.id, aliases: MINIMIST_ADVISORY.aliases, severity: MINIMIST_ADVISORY.severity, fixed: MINIMIST_ADVISORY.fixedVersion, ecosystem: MINIMIST_ADVISORY.package.ecosystem },
    ]);
  });

  it.each(SCENARIO_KINDS.filter((k) => k !== 'vulnerable-image'))('%s: minimist 1.2.8, which no record matches', async (kind) => {
    const { packages } = await sbomOf(kind);
    expect(packages).toEqual([{ type: 'npm', name: 'minimist', version: MINIMIST_CLEAN }]);
    expect(db.match(packages)).toMatchObject({ findings: [], skipped: [] });
  });

  it('gives the same digest for the same run, a new one for a new run, and the rollback its own image', async () => {
    const [a, again, otherRun, rollout] = await Promise.all([sbomOf('clean', 'r1'), sbomOf('clean', 'r1'), sbomOf('clean', 'r2'), sbomOf('failing-rollout', 'r1')]);
    expect(again.digest).toBe(a.digest);
    expect(otherRun.digest).not.toBe(a.digest);
    expect(rollout.digest).not.toBe(a.digest);
    const random = await Promise.all([buildImage(scenarioImage('clean', {})), buildImage(scenarioImage('clean', {}))]);
    expect(random[0].manifest.digest).not.toBe(random[1].manifest.digest);
  });
});
