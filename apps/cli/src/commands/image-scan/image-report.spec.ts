import type { Sbom, SbomPackage } from '@portcullis/sbom';
import { describe, expect, it } from 'vitest';
import { failsPolicy, jsonReport, renderImageReport, type ImagePolicy } from './image-report.js';
import type { ImageFinding, ImageScanResult } from './scan-image.js';

const pkg = (name: string, version: string): SbomPackage => ({ type: 'npm', name, version, purl: `pkg:npm/${name}@${version}`, locations: [{ path: `node_modules/${name}/package.json`, layerDigest: 'sha256:aa' }] });
const finding = (severity: ImageFinding['severity'], fixedVersions: string[], sbomPackage = pkg('left-pad', '1.0.0')): ImageFinding => ({
  vulnerabilityId: `GHSA-${severity}`,
  aliases: [],
  package: { type: 'npm', name: sbomPackage.name, version: sbomPackage.version },
  installedVersion: sbomPackage.version,
  ecosystem: 'npm',
  fixedVersions,
  severity,
  summary: undefined,
  sbomPackage,
});
const sbom = (packages: SbomPackage[]): Sbom => ({ packages, warnings: [], layers: ['sha256:aa'] });
const image = { source: 'registry' as const, reference: 'r.example.com/app:1', digest: 'sha256:bb', platform: 'linux/amd64' };
const policy = (failOn: ImagePolicy['failOn'], fixableOnly = false): ImagePolicy => ({ failOn, fixableOnly });

describe('failsPolicy', () => {
  it('fails at or above the threshold, with unknown below low', () => {
    expect(failsPolicy(finding('high', []), policy('high'))).toBe(true);
    expect(failsPolicy(finding('critical', []), policy('high'))).toBe(true);
    expect(failsPolicy(finding('medium', []), policy('high'))).toBe(false);
    expect(failsPolicy(finding('unknown', []), policy('low'))).toBe(false);
    expect(failsPolicy(finding('unknown', []), policy('unknown'))).toBe(true);
    expect(failsPolicy(finding('critical', []), policy('none'))).toBe(false);
  });

  it('with --fixable-only, ignores findings without a fixed version', () => {
    expect(failsPolicy(finding('critical', []), policy('high', true))).toBe(false);
    expect(failsPolicy(finding('critical', ['2.0.0']), policy('high', true))).toBe(true);
  });
});

describe('reports', () => {
  it('never claims a clean result without a database: findings and skipped are null', () => {
    const result: ImageScanResult = { image, sbom: sbom([pkg('left-pad', '1.0.0')]) };
    const report = jsonReport(result, policy('high'));
    expect(report).toMatchObject({ dbVersion: null, packages: 1, findings: null, skipped: null, policy: { failed: false } });
    expect(renderImageReport(result, 'table', policy('high'), new Date())).toContain('nothing was matched');
  });

  it('keeps terminal control characters from image content out of the table', () => {
    const evil = pkg('evil\u001b]0;pwned\u0007', '1.0.0');
    const result: ImageScanResult = { image, sbom: sbom([evil]), match: { dbVersion: 'sha256:cc', findings: [finding('high', ['1.0.1'], evil)], skipped: [] } };
    const table = renderImageReport(result, 'table', policy('high'), new Date());
    expect(table).not.toContain('\u001b');
    expect(table).not.toContain('\u0007');
    expect(table).toContain('evil?]0;pwned?');
    expect(table).toMatch(/GHSA-high\s+high \*\s+1\.0\.1/);
  });
});
