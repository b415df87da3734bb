import { type ScanVulnerability } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { defaultImagePolicy, type ImagePolicy, type ImageSuppression } from './image-policy.schema.js';
import { judgeScan } from './judge-scan.js';

const now = new Date('2026-06-01T00:00:00Z');
const vuln = (overrides: Partial<ScanVulnerability> = {}): ScanVulnerability => ({
  id: 'GHSA-xvch-5gv4-984h',
  aliases: ['CVE-2021-44906'],
  package: { name: 'minimist', version: '1.2.5', ecosystem: 'npm' },
  fixedVersion: '1.2.6',
  severity: 'critical',
  suppressed: false,
  ...overrides,
});
const suppression = (overrides: Partial<ImageSuppression> = {}): ImageSuppression => ({
  id: 'CVE-2021-44906',
  until: '2026-12-31T23:59:59.000Z',
  reason: 'only in build tooling',
  owner: 'team-shop',
  origin: '.portcullis.yaml',
  ...overrides,
});
const policy = (overrides: Partial<ImagePolicy> = {}): ImagePolicy => ({ ...defaultImagePolicy(), ...overrides });

describe('judgeScan', () => {
  it('fails at failOn or above with a fix, passes below it', () => {
    expect(judgeScan([vuln({ severity: 'high' })], policy(), now).verdict).toBe('fail');
    expect(judgeScan([vuln({ severity: 'medium' })], policy(), now).verdict).toBe('pass');
    expect(judgeScan([vuln({ severity: 'medium' })], policy({ failOn: 'medium' }), now).verdict).toBe('fail');
    expect(judgeScan([vuln({ severity: 'high' })], policy({ failOn: 'critical' }), now).verdict).toBe('pass');
  });

  it('ignores unfixable findings only when fixableOnly is set', () => {
    const unfixable = vuln({ fixedVersion: undefined });
    delete (unfixable as { fixedVersion?: string }).fixedVersion;
    expect(judgeScan([unfixable], policy({ requireFix: true }), now).verdict).toBe('pass');
    expect(judgeScan([unfixable], policy({ requireFix: false }), now).verdict).toBe('fail');
  });

  it('suppresses by id or alias, leaves it out of counts and verdict, and counts it in the summary', () => {
    const sut = judgeScan([vuln(), vuln({ id: 'CVE-2024-1', aliases: [], severity: 'low' })], policy({ suppressions: [suppression()] }), now);
    expect(sut.verdict).toBe('pass');
    expect(sut.vulnerabilities.map((v) => v.suppressed)).toEqual([true, false]);
    expect(sut.counts).toEqual({ critical: 0, high: 0, medium: 0, low: 1, unknown: 0 });
    expect(sut.suppressed).toBe(1);
    expect(sut.findings[0]?.suppression?.owner).toBe('team-shop');
  });

  it('suppresses by id and package only in that package', () => {
    const other = vuln({ package: { name: 'minimist-fork', version: '1.2.5', ecosystem: 'npm' } });
    const sut = judgeScan([vuln(), other], policy({ suppressions: [suppression({ package: 'minimist' })] }), now);
    expect(sut.vulnerabilities.map((v) => v.suppressed)).toEqual([true, false]);
    expect(sut.verdict).toBe('fail');
  });

  it('does not apply an expired suppression; one without expiry (.trivyignore) applies', () => {
    expect(judgeScan([vuln()], policy({ suppressions: [suppression({ until: '2026-05-31T23:59:59.000Z' })] }), now)).toMatchObject({ verdict: 'fail', suppressed: 0 });
    const forever = suppression({ origin: '.trivyignore' });
    delete (forever as { until?: string }).until;
    expect(judgeScan([vuln()], policy({ suppressions: [forever] }), now)).toMatchObject({ verdict: 'pass', suppressed: 1 });
  });

  it('reports error for an invalid repository policy while still counting under the fallback', () => {
    expect(judgeScan([vuln({ severity: 'low' })], policy(), now, { invalid: true })).toMatchObject({ verdict: 'error', counts: { low: 1 } });
  });
});
