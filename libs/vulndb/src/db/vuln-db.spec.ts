import { describe, expect, it } from 'vitest';

import { osvFixtureFiles } from '../../test/fixtures.js';
import type { PackageRef } from './package-ref.js';
import { type VulnDb, VulnDbBuilder } from './vuln-db.js';

function dbOf(files: Record<string, string>): VulnDb {
  const builder = new VulnDbBuilder();
  for (const [name, text] of Object.entries(files)) builder.addJson(text, name);
  return builder.build();
}

const sut = dbOf(osvFixtureFiles());
const bookworm = { id: 'debian', versionId: '12' };
const bullseye = { id: 'debian', versionId: '11' };

function idsFor(pkg: PackageRef): string[] {
  return sut.match([pkg]).findings.map((f) => f.vulnerabilityId).sort();
}

describe('VulnDb.match', () => {
  it('matches Debian binary packages through their source package', () => {
    const libssl = { type: 'deb', name: 'libssl3', sourceName: 'openssl', version: '3.0.9-1', distro: bookworm } as const;
    const result = sut.match([libssl]);
    expect(result.findings).toEqual([
      {
        vulnerabilityId: 'DSA-5532-1',
        aliases: [],
        package: libssl,
        installedVersion: '3.0.9-1',
        ecosystem: 'Debian:12',
        fixedVersions: ['3.0.11-1~deb12u1'],
        severity: 'unknown',
        summary: 'openssl - security update',
      },
    ]);
    expect(result.dbVersion).toBe(sut.version);
    // Without the source name, the binary name finds nothing: Debian advisories name sources.
    expect(idsFor({ type: 'deb', name: 'libssl3', version: '3.0.9-1', distro: bookworm })).toEqual([]);
    expect(idsFor({ ...libssl, version: '3.0.11-1~deb12u1' })).toEqual([]);
  });

  it('keeps Debian releases apart and uses the source version when given', () => {
    const libssl11 = { type: 'deb', name: 'libssl1.1', sourceName: 'openssl', version: '1.1.1n-0+deb11u1', distro: bullseye } as const;
    expect(idsFor(libssl11)).toEqual(['DSA-5139-1']);
    expect(sut.match([libssl11]).findings[0]?.fixedVersions).toEqual(['1.1.1n-0+deb11u2']);
    expect(idsFor({ ...libssl11, version: '1.1.1n-0+deb11u2' })).toEqual([]);
    // A binNMU's binary version (+b1) differs from its source version; the source version decides.
    expect(idsFor({ ...libssl11, version: '1.1.1n-0+deb11u2+b1', sourceVersion: '1.1.1n-0+deb11u1' })).toEqual(['DSA-5139-1']);
    // The Debian 12 record does not apply to Debian 11 and vice versa.
    expect(idsFor({ ...libssl11, distro: { id: 'debian', versionId: '10' }, version: '1.1.1n-0+deb10u1' })).toEqual(['DSA-5139-1']);
    expect(idsFor({ ...libssl11, distro: bookworm, version: '1.1.1n-0+deb11u1' })).toEqual(['DSA-5532-1']);
  });

  it('matches Alpine packages by origin within their branch', () => {
    const libcrypto = { type: 'apk', name: 'libcrypto3', sourceName: 'openssl', version: '3.1.3-r0', distro: { id: 'alpine', versionId: '3.18.4' } } as const;
    expect(idsFor(libcrypto)).toEqual(['ALPINE-CVE-2023-5363']);
    expect(idsFor({ ...libcrypto, version: '3.1.4-r0' })).toEqual([]);
    expect(idsFor({ ...libcrypto, distro: { id: 'alpine', versionId: '3.19.0' } })).toEqual([]);
  });

  it('matches npm advisories with several ranges and reports their severity', () => {
    const [minimist] = sut.match([{ type: 'npm', name: 'minimist', version: '1.2.5' }]).findings;
    expect(minimist).toMatchObject({ vulnerabilityId: 'GHSA-xvch-5gv4-984h', aliases: ['CVE-2021-44906'], fixedVersions: ['1.2.6'], severity: 'critical' });
    expect(sut.match([{ type: 'npm', name: 'minimist', version: '0.0.8' }]).findings[0]?.fixedVersions).toEqual(['0.2.4']);
    expect(idsFor({ type: 'npm', name: 'minimist', version: '0.0.8' })).toEqual(['GHSA-xvch-5gv4-984h']);
    expect(idsFor({ type: 'npm', name: 'minimist', version: '0.2.4' })).toEqual([]);
    expect(idsFor({ type: 'npm', name: 'minimist', version: '1.2.6' })).toEqual([]);
    const [lodash] = sut.match([{ type: 'npm', name: 'lodash', version: '4.17.20' }]).findings;
    expect(lodash).toMatchObject({ vulnerabilityId: 'GHSA-35jh-r3h4-6jhm', fixedVersions: ['4.17.21'], severity: 'high', summary: 'Command Injection in lodash' });
    expect(idsFor({ type: 'npm', name: 'lodash', version: '4.17.21' })).toEqual([]);
  });

  it('matches PyPI names after PEP 503 normalisation and PEP 440 versions', () => {
    expect(idsFor({ type: 'pypi', name: 'Requests', version: '2.28.1' })).toEqual(['GHSA-j8r2-6x86-q33q']);
    expect(idsFor({ type: 'pypi', name: 'requests', version: '2.31.0rc1' })).toEqual(['GHSA-j8r2-6x86-q33q']);
    expect(idsFor({ type: 'pypi', name: 'requests', version: '2.31.0' })).toEqual([]);
    expect(idsFor({ type: 'pypi', name: 'requests', version: '2.2.1' })).toEqual([]);
    expect(sut.match([{ type: 'pypi', name: 'requests', version: '2.28.1' }]).findings[0]?.severity).toBe('medium');
  });

  it('matches Go modules, pseudo-versions and the standard library', () => {
    expect(idsFor({ type: 'golang', name: 'golang.org/x/net', version: 'v0.0.0-20220722155237-a158d28d115b' })).toEqual(['GO-2022-0969']);
    expect(idsFor({ type: 'golang', name: 'golang.org/x/net', version: 'v0.0.0-20220906165146-f3363e06e74c' })).toEqual([]);
    expect(idsFor({ type: 'golang', name: 'golang.org/x/net', version: 'v0.1.0' })).toEqual([]);
    expect(idsFor({ type: 'golang', name: 'stdlib', version: 'go1.19.0' })).toEqual(['GO-2022-0969']);
    // Only the fix on the installed release line is offered.
    expect(sut.match([{ type: 'golang', name: 'stdlib', version: 'go1.19.0' }]).findings[0]?.fixedVersions).toEqual(['1.19.1']);
    expect(idsFor({ type: 'golang', name: 'stdlib', version: 'v1.18.6' })).toEqual([]);
  });

  it('matches log4j-core on each of its three real ranges', () => {
    const log4j = (version: string): PackageRef => ({ type: 'maven', name: 'org.apache.logging.log4j:log4j-core', version });
    for (const affected of ['2.0-beta9', '2.3', '2.4', '2.12.1', '2.13.0', '2.14.1']) expect(idsFor(log4j(affected))).toEqual(['GHSA-jfh8-c2jp-5v3q']);
    for (const safe of ['2.0-beta8', '2.3.1', '2.12.2', '2.15.0', '2.17.1']) expect(idsFor(log4j(safe))).toEqual([]);
    // The SBOM side may give the group id separately.
    expect(idsFor({ type: 'maven', namespace: 'org.apache.logging.log4j', name: 'log4j-core', version: '2.14.1' })).toEqual(['GHSA-jfh8-c2jp-5v3q']);
    const [finding] = sut.match([log4j('2.14.1')]).findings;
    expect(finding).toMatchObject({ severity: 'critical', aliases: ['CVE-2021-44228'], fixedVersions: ['2.15.0'] });
  });

  it('reports packages it cannot check instead of calling them clean', () => {
    const noDistro = { type: 'deb', name: 'bash', version: '5.2.15-2+b2' } as const;
    const badVersion = { type: 'npm', name: 'lodash', version: 'latest' } as const;
    const result = sut.match([noDistro, badVersion]);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      { package: noDistro, reason: 'unsupported-distro' },
      { package: badVersion, reason: 'unparseable-version' },
    ]);
  });
});

describe('VulnDbBuilder', () => {
  const files = osvFixtureFiles();

  it('derives the version from the records only: file order and names do not matter', () => {
    const reversed = Object.fromEntries(Object.entries(files).reverse().map(([, text], i) => [`other-${i}.json`, text]));
    expect(dbOf(reversed).version).toBe(sut.version);
    expect(sut.version).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('changes the version when any record changes', () => {
    const changed = { ...files, 'GHSA-35jh-r3h4-6jhm.json': files['GHSA-35jh-r3h4-6jhm.json']!.replace('"4.17.21"', '"4.17.22"') };
    expect(dbOf(changed).version).not.toBe(sut.version);
    const fewer = { ...files };
    delete fewer['GO-2022-0969.json'];
    expect(dbOf(fewer).version).not.toBe(sut.version);
  });

  it('reports invalid records with id and reason and still builds from the rest', () => {
    const db = dbOf({
      ...files,
      'broken.json': '{ not json',
      'bad.json': JSON.stringify({ id: 'GHSA-bad1-bad2-bad3', modified: '2024-01-01T00:00:00Z', affected: 'nope' }),
    });
    expect(db.report.records).toBe(Object.keys(files).length);
    expect(db.report.issues).toEqual([
      { id: undefined, source: 'broken.json', kind: 'not-json', reason: 'not valid JSON' },
      { id: 'GHSA-bad1-bad2-bad3', source: 'bad.json', kind: 'invalid', reason: expect.stringContaining('affected') as unknown },
    ]);
    expect(db.version).toBe(sut.version);
    expect(db.match([{ type: 'npm', name: 'lodash', version: '4.17.20' }]).findings).toHaveLength(1);
  });

  it('keeps the newest copy of a duplicated id, whatever the order', () => {
    const older = JSON.stringify({ id: 'X-1', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'p' }, versions: ['1.0.0'] }] });
    const newer = JSON.stringify({ id: 'X-1', modified: '2024-02-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'p' }, versions: ['2.0.0'] }] });
    const a = dbOf({ 'a.json': older, 'b.json': newer });
    const b = dbOf({ 'b.json': newer, 'a.json': older });
    expect(a.version).toBe(b.version);
    expect(a.match([{ type: 'npm', name: 'p', version: '2.0.0' }]).findings).toHaveLength(1);
    expect(a.match([{ type: 'npm', name: 'p', version: '1.0.0' }]).findings).toHaveLength(0);
    expect(a.report.issues).toEqual([expect.objectContaining({ id: 'X-1', kind: 'duplicate' })]);
  });

  it('never matches withdrawn records and ignores GIT ranges and unsupported ecosystems', () => {
    const db = dbOf({
      'w.json': JSON.stringify({ id: 'W-1', modified: '2024-01-01T00:00:00Z', withdrawn: '2024-01-02T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'p' }, versions: ['1.0.0'] }] }),
      'g.json': JSON.stringify({ id: 'G-1', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'p' }, ranges: [{ type: 'GIT', repo: 'https://example.test/p', events: [{ introduced: '0' }] }] }] }),
      'c.json': JSON.stringify({ id: 'RUSTSEC-2024-0001', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'crates.io', name: 'p' }, versions: ['1.0.0'] }] }),
    });
    expect(db.match([{ type: 'npm', name: 'p', version: '1.0.0' }]).findings).toEqual([]);
    expect(db.report).toMatchObject({ records: 2, withdrawn: 1, unsupportedOnly: 1 });
    expect(db.record('W-1')).toBeUndefined();
  });

  it('reports ranges whose bounds do not parse and keeps the record', () => {
    const db = dbOf({
      'r.json': JSON.stringify({
        id: 'R-1',
        modified: '2024-01-01T00:00:00Z',
        affected: [{ package: { ecosystem: 'Debian:12', name: 'src' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: 'not a version' }] }], versions: ['1.0-1'] }],
      }),
    });
    expect(db.report.issues).toEqual([expect.objectContaining({ id: 'R-1', kind: 'bad-range' })]);
    expect(db.match([{ type: 'deb', name: 'src', version: '1.0-1', distro: bookworm }]).findings).toHaveLength(1);
  });

  it('is immutable once built', () => {
    expect(Object.isFrozen(sut)).toBe(true);
  });
});
