import { describe, expect, it } from 'vitest';
import { parseApkInstalled } from './apk.js';
import { parseDpkgStatus } from './dpkg.js';
import { parseInstalledPackageJson, parseNpmLockfile } from './npm.js';
import { parseOsRelease } from './os-release.js';
import { parsePythonMetadata } from './python.js';
import { parsePomProperties } from './java.js';

describe('parseDpkgStatus', () => {
  const status = [
    'Package: libssl3',
    'Status: install ok installed',
    'Architecture: amd64',
    'Source: openssl (3.0.11-1)',
    'Version: 3.0.11-1~deb12u2',
    'Description: Secure Sockets Layer toolkit - shared libraries',
    ' This package is part of the OpenSSL project.',
    ' Version: 9.9.9 (a continuation line, not a field)',
    '',
    'Package: openssl',
    'Status: install ok installed',
    'Architecture: amd64',
    'Version: 3.0.11-1~deb12u2',
    '',
    'Package: bash',
    'Status: install ok installed',
    'Architecture: amd64',
    'Source: bash',
    'Version: 5.2.15-2+b2',
    '',
    'Package: removed-pkg',
    'Status: deinstall ok config-files',
    'Version: 1.0',
    '',
    'Package: half',
    'Status: install reinstreq half-installed',
    'Version: 1.0',
  ].join('\n');

  it('reads every installed stanza, with the source package and its version apart', () => {
    const sut = parseDpkgStatus(status, { requireInstalled: true });
    expect(sut).toEqual([
      { type: 'deb', name: 'libssl3', version: '3.0.11-1~deb12u2', sourceName: 'openssl', sourceVersion: '3.0.11-1', arch: 'amd64' },
      { type: 'deb', name: 'openssl', version: '3.0.11-1~deb12u2', arch: 'amd64' },
      // `Source: bash` names the package itself: no sourceName.
      { type: 'deb', name: 'bash', version: '5.2.15-2+b2', arch: 'amd64' },
    ]);
  });

  it('takes a distroless status.d stanza, which has no Status field', () => {
    const text = 'Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\nSource: tzdata\n';
    expect(parseDpkgStatus(text, { requireInstalled: false })).toEqual([
      { type: 'deb', name: 'tzdata', version: '2024a-0+deb12u1', arch: 'all' },
    ]);
    expect(parseDpkgStatus(text, { requireInstalled: true })).toEqual([]);
  });

  it('handles CRLF line ends and a source without parentheses', () => {
    const text = 'Package: libc6\r\nStatus: install ok installed\r\nSource: glibc\r\nVersion: 2.36-9+deb12u4\r\n';
    expect(parseDpkgStatus(text, { requireInstalled: true })).toEqual([
      { type: 'deb', name: 'libc6', version: '2.36-9+deb12u4', sourceName: 'glibc' },
    ]);
  });
});

describe('parseApkInstalled', () => {
  it('reads P/V/o/A/L of each record, ignoring per-file lines', () => {
    const db = [
      'C:Q1abc=',
      'P:libcrypto3',
      'V:3.1.4-r5',
      'A:x86_64',
      'L:Apache-2.0',
      'o:openssl',
      'F:usr/lib',
      'R:libcrypto.so.3',
      '',
      'P:busybox',
      'V:1.36.1-r15',
      'A:x86_64',
      'o:busybox',
      '',
    ].join('\n');
    expect(parseApkInstalled(db)).toEqual([
      { type: 'apk', name: 'libcrypto3', version: '3.1.4-r5', sourceName: 'openssl', arch: 'x86_64', license: 'Apache-2.0' },
      { type: 'apk', name: 'busybox', version: '1.36.1-r15', arch: 'x86_64' },
    ]);
  });
});

describe('parseOsRelease', () => {
  it.each([
    ['debian', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n', { id: 'debian', versionId: '12' }],
    ['alpine', 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n', { id: 'alpine', versionId: '3.19.1' }],
    ['ubuntu', "NAME='Ubuntu'\nVERSION_ID='22.04'\nID=ubuntu\nID_LIKE=debian\n# comment\n", { id: 'ubuntu', versionId: '22.04' }],
    ['debian sid', 'PRETTY_NAME="Debian GNU/Linux trixie/sid"\nID=debian\n', { id: 'debian' }],
  ])('reads %s', (_name, text, expected) => {
    expect(parseOsRelease(text)).toMatchObject(expected);
    if (!('versionId' in expected)) expect(parseOsRelease(text)?.versionId).toBeUndefined();
  });

  it('gives nothing without an ID', () => {
    expect(parseOsRelease('NAME=whatever\n')).toBeUndefined();
  });
});

describe('npm', () => {
  it('reads lockfile v3 packages, skipping the root and workspace links', () => {
    const lock = JSON.stringify({
      name: 'app',
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', version: '1.0.0' },
        'node_modules/express': { version: '4.18.2', license: 'MIT' },
        'node_modules/@babel/core': { version: '7.23.0' },
        'node_modules/express/node_modules/debug': { version: '2.6.9' },
        'node_modules/local-lib': { resolved: 'packages/local-lib', link: true },
        'packages/local-lib': { name: 'local-lib', version: '0.0.1' },
      },
    });
    expect(parseNpmLockfile(lock)).toEqual([
      { type: 'npm', name: 'express', version: '4.18.2', license: 'MIT' },
      { type: 'npm', name: '@babel/core', version: '7.23.0' },
      { type: 'npm', name: 'debug', version: '2.6.9' },
    ]);
  });

  it('reads lockfile v1 nested dependencies', () => {
    const lock = JSON.stringify({
      lockfileVersion: 1,
      dependencies: { lodash: { version: '4.17.21' }, a: { version: '1.0.0', dependencies: { b: { version: '2.0.0' } } } },
    });
    expect(parseNpmLockfile(lock).map((p) => `${p.name}@${p.version}`)).toEqual(['lodash@4.17.21', 'a@1.0.0', 'b@2.0.0']);
  });

  it('reads an installed package.json and rejects broken JSON', () => {
    expect(parseInstalledPackageJson('{"name":"left-pad","version":"1.3.0","license":{"type":"WTFPL"}}')).toEqual([
      { type: 'npm', name: 'left-pad', version: '1.3.0', license: 'WTFPL' },
    ]);
    expect(parseInstalledPackageJson('{"name":"no-version"}')).toEqual([]);
    expect(() => parseInstalledPackageJson('{"name":')).toThrow();
  });
});

describe('parsePythonMetadata', () => {
  it('reads name, version and licence from the headers only', () => {
    const metadata = 'Metadata-Version: 2.1\nName: Django\nVersion: 4.2.7\nLicense: BSD-3-Clause\n\nVersion: 0.0.0 in the long description\n';
    expect(parsePythonMetadata(metadata)).toEqual([{ type: 'pypi', name: 'Django', version: '4.2.7', license: 'BSD-3-Clause' }]);
  });
});

describe('parsePomProperties', () => {
  it('reads maven coordinates', () => {
    expect(parsePomProperties('#x\ngroupId=org.slf4j\nartifactId = slf4j-api\nversion=2.0.9\n')).toEqual({
      type: 'maven',
      namespace: 'org.slf4j',
      name: 'slf4j-api',
      version: '2.0.9',
    });
    expect(parsePomProperties('groupId=org.slf4j\n')).toBeUndefined();
  });
});
