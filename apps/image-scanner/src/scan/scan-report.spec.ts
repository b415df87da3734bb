import { describe, expect, it } from 'vitest';
import { type MatchOutput } from './scan-image.ports.js';
import { applyPolicy, buildScan, DEFAULT_VULNERABILITY_POLICY, MAX_REPORTED_VULNERABILITIES, packageRefsOf } from './scan-report.js';

type Finding = MatchOutput['findings'][number];
const finding = (overrides: Partial<Finding> = {}): Finding => ({
  vulnerabilityId: 'GHSA-xvch-5gv4-984h',
  aliases: ['CVE-2021-44906'],
  package: { type: 'npm', name: 'minimist', version: '1.2.5' },
  installedVersion: '1.2.5',
  ecosystem: 'npm',
  fixedVersions: ['1.2.6'],
  severity: 'critical',
  ...overrides,
});
const scanOf = (findings: Finding[]) =>
  buildScan({ match: { findings, skipped: [] }, packageCount: 3, platform: 'linux/amd64', dbVersion: 'sha256:db', policy: DEFAULT_VULNERABILITY_POLICY });

describe('buildScan under the default policy', () => {
  it('fails an image with a critical or high vulnerability that has a fix', () => {
    expect(scanOf([finding()]).verdict).toBe('fail');
    expect(scanOf([finding({ severity: 'high' })]).verdict).toBe('fail');
  });

  it('passes when the severe vulnerabilities have no fix yet, or only lesser ones have', () => {
    expect(scanOf([finding({ fixedVersions: [] })]).verdict).toBe('pass');
    expect(scanOf([finding({ severity: 'medium' }), finding({ severity: 'unknown', vulnerabilityId: 'DSA-5532-1' })]).verdict).toBe('pass');
  });

  it('lists the most severe first, fixable before unfixable, with the lowest fix and CVE aliases first', () => {
    const sut = scanOf([
      finding({ vulnerabilityId: 'GHSA-low', severity: 'low' }),
      finding({ vulnerabilityId: 'GHSA-nofix', fixedVersions: [] }),
      finding({ vulnerabilityId: 'DSA-5532-1', aliases: ['DLA-1', 'CVE-2023-5363', 'bad id!', 'CVE-2023-5678', 'X-1'], fixedVersions: ['3.0.11-1', '3.0.12-1'], package: { type: 'deb', name: 'libssl3', version: '3.0.9-1' }, ecosystem: 'Debian:12' }),
    ]);
    expect(sut.vulnerabilities.map((v) => v.id)).toEqual(['DSA-5532-1', 'GHSA-nofix', 'GHSA-low']);
    expect(sut.vulnerabilities[0]).toEqual({
      id: 'DSA-5532-1',
      aliases: ['CVE-2023-5363', 'CVE-2023-5678', 'DLA-1'],
      package: { name: 'libssl3', version: '3.0.9-1', ecosystem: 'Debian:12' },
      fixedVersion: '3.0.11-1',
      severity: 'critical',
      suppressed: false,
    });
    expect(sut.vulnerabilities[1]).not.toHaveProperty('fixedVersion');
    expect(sut.counts).toEqual({ critical: 2, high: 0, medium: 0, low: 1, unknown: 0 });
  });

  it('truncates the list at the contract cap but counts everything', () => {
    const many = Array.from({ length: MAX_REPORTED_VULNERABILITIES + 5 }, (_, i) => finding({ vulnerabilityId: `GHSA-${i}`, severity: 'medium' }));
    const sut = scanOf(many);
    expect(sut.vulnerabilities).toHaveLength(MAX_REPORTED_VULNERABILITIES);
    expect(sut).toMatchObject({ vulnerabilitiesTruncated: true, counts: { medium: MAX_REPORTED_VULNERABILITIES + 5 } });
  });
});

describe('applyPolicy', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const suppress = (id: string) => ({ id, until: '2026-12-31T23:59:59.000Z', reason: 'accepted', owner: 'team', origin: '.portcullis.yaml' as const });

  it('re-judges a cached scan: suppressed findings leave counts and verdict, the summary names the source', () => {
    const cached = scanOf([finding(), finding({ vulnerabilityId: 'GHSA-low', aliases: [], severity: 'low' })]);
    const sut = applyPolicy(cached, { source: 'repository', policy: { failOn: 'high', requireFix: true, suppressions: [suppress('CVE-2021-44906')] } }, now);
    expect(sut).toMatchObject({ verdict: 'pass', counts: { critical: 0, low: 1 }, policy: { source: 'repository', failOn: 'high', suppressed: 1 } });
    expect(sut.vulnerabilities.map((v) => v.suppressed)).toEqual([true, false]);
  });

  it('keeps counting the unlisted tail and lets it fail the verdict unless the list proves it has no fix', () => {
    const many = (fix: boolean) => Array.from({ length: MAX_REPORTED_VULNERABILITIES + 2 }, (_, i) => finding({ vulnerabilityId: `GHSA-${i}`, aliases: [], ...(fix ? {} : { fixedVersions: [] }) }));
    const suppressAllListed = (ids: string[]) => ({ source: 'repository' as const, policy: { failOn: 'high' as const, requireFix: true, suppressions: ids.map(suppress) } });
    const fixable = scanOf(many(true));
    const sut = applyPolicy(fixable, suppressAllListed(fixable.vulnerabilities.map((v) => v.id)), now);
    expect(sut).toMatchObject({ verdict: 'fail', counts: { critical: 2 }, policy: { suppressed: MAX_REPORTED_VULNERABILITIES } });
    const unfixable = scanOf(many(false));
    expect(applyPolicy(unfixable, suppressAllListed(unfixable.vulnerabilities.map((v) => v.id)), now)).toMatchObject({ verdict: 'pass', counts: { critical: 2 } });
  });
});

describe('packageRefsOf', () => {
  it('gives OS packages the image distro and keeps language packages distro-free', () => {
    const sut = packageRefsOf({
      distro: { id: 'debian', versionId: '12', prettyName: 'Debian 12' },
      packages: [
        { type: 'deb', name: 'libssl3', version: '3.0.9-1', sourceName: 'openssl', purl: 'pkg:deb/debian/libssl3@3.0.9-1', locations: [] },
        { type: 'maven', name: 'log4j-core', namespace: 'org.apache.logging.log4j', version: '2.14.1', purl: 'pkg:maven/x', locations: [] },
      ],
    });
    expect(sut).toEqual([
      { type: 'deb', name: 'libssl3', version: '3.0.9-1', sourceName: 'openssl', distro: { id: 'debian', versionId: '12' } },
      { type: 'maven', name: 'log4j-core', namespace: 'org.apache.logging.log4j', version: '2.14.1' },
    ]);
  });
});
