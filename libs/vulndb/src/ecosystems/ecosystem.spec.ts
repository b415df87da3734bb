import { describe, expect, it } from 'vitest';

import { ecosystemKeysFor, normalisePackageName, osvEcosystemKey } from './ecosystem.js';

describe('ecosystemKeysFor', () => {
  it('maps an OS package to the OSV ecosystem of its distro release', () => {
    expect(ecosystemKeysFor('deb', { id: 'debian', versionId: '12' })).toEqual({ family: 'Debian', keys: ['Debian:12'] });
    expect(ecosystemKeysFor('deb', { id: 'debian', versionId: '11.9' })).toEqual({ family: 'Debian', keys: ['Debian:11'] });
    expect(ecosystemKeysFor('deb', { id: 'ubuntu', versionId: '22.04' })).toEqual({ family: 'Ubuntu', keys: ['Ubuntu:22.04:LTS', 'Ubuntu:22.04'] });
    expect(ecosystemKeysFor('apk', { id: 'alpine', versionId: '3.19.1' })).toEqual({ family: 'Alpine', keys: ['Alpine:v3.19'] });
  });

  it('has no ecosystem for OS packages without a known distro release', () => {
    expect(ecosystemKeysFor('deb', undefined)).toBeUndefined();
    expect(ecosystemKeysFor('deb', { id: 'debian', versionId: '' })).toBeUndefined();
    expect(ecosystemKeysFor('deb', { id: 'debian' })).toBeUndefined();
    expect(ecosystemKeysFor('apk', { id: 'alpine' })).toBeUndefined();
    expect(ecosystemKeysFor('deb', { id: 'linuxmint', versionId: '21' })).toBeUndefined();
    expect(ecosystemKeysFor('apk', { id: 'wolfi', versionId: '20230201' })).toBeUndefined();
  });

  it('maps language packages regardless of distro', () => {
    expect(ecosystemKeysFor('npm', undefined)?.keys).toEqual(['npm']);
    expect(ecosystemKeysFor('pypi', { id: 'debian', versionId: '12' })?.keys).toEqual(['PyPI']);
    expect(ecosystemKeysFor('golang', undefined)?.keys).toEqual(['Go']);
    expect(ecosystemKeysFor('maven', undefined)?.keys).toEqual(['Maven']);
  });
});

describe('osvEcosystemKey', () => {
  it('keeps the release of OS ecosystems and folds Maven repositories', () => {
    expect(osvEcosystemKey('Debian:12')).toEqual({ family: 'Debian', key: 'Debian:12' });
    expect(osvEcosystemKey('Ubuntu:Pro:18.04:LTS')).toEqual({ family: 'Ubuntu', key: 'Ubuntu:Pro:18.04:LTS' });
    expect(osvEcosystemKey('Maven:https://repo.maven.apache.org/maven2/')).toEqual({ family: 'Maven', key: 'Maven' });
    expect(osvEcosystemKey('crates.io')).toBeUndefined();
    expect(osvEcosystemKey('Debian')).toBeUndefined();
  });
});

describe('normalisePackageName', () => {
  it('applies PEP 503 to PyPI names only', () => {
    expect(normalisePackageName('PyPI', 'Django_REST.framework')).toBe('django-rest-framework');
    expect(normalisePackageName('npm', 'JSONStream')).toBe('JSONStream');
  });
});
