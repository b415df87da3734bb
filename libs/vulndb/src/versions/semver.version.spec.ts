import { describe, expect, it } from 'vitest';

import { expectRelations, expectStrictlyIncreasing } from '../../test/ordering.js';
import { goVersionScheme, semverVersionScheme } from './semver.version.js';

describe('semverVersionScheme (npm)', () => {
  it('orders prereleases as semver.org §11 shows', () => {
    // The precedence example of SemVer 2.0.0 §11.
    expectStrictlyIncreasing(semverVersionScheme, [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ]);
    expectStrictlyIncreasing(semverVersionScheme, ['1.0.0', '2.0.0', '2.1.0', '2.1.1']);
  });

  it('ignores build metadata and compares numerically', () => {
    expectRelations(semverVersionScheme, [
      ['1.0.0+20130313144700', '=', '1.0.0'],
      ['4.17.9', '<', '4.17.21'],
      ['1.2.6', '>', '1.2.5'],
    ]);
  });

  it('rejects versions that are not strict semver', () => {
    expect(semverVersionScheme.parse('1.2')).toBeUndefined();
    expect(semverVersionScheme.parse('01.2.3')).toBeUndefined();
    expect(semverVersionScheme.parse('latest')).toBeUndefined();
  });
});

describe('goVersionScheme', () => {
  it('accepts the v prefix and compares with or without it', () => {
    expectRelations(goVersionScheme, [
      ['v1.2.3', '=', '1.2.3'],
      ['v0.17.0', '>', '0.16.0'],
    ]);
  });

  it('treats +incompatible as build metadata', () => {
    expectRelations(goVersionScheme, [
      ['v2.0.0+incompatible', '=', 'v2.0.0'],
      ['v2.0.0+incompatible', '<', 'v2.0.1+incompatible'],
    ]);
  });

  it('orders pseudo-versions by their position (go.dev/ref/mod#pseudo-versions)', () => {
    expectStrictlyIncreasing(goVersionScheme, [
      'v0.0.0-20191109021931-daa7c04131f5',
      'v0.0.0-20210226172049-e18ecbb05110',
      'v0.0.1',
      'v1.2.3',
      // vX.Y.(Z+1)-0.timestamp-hash: a commit after v1.2.3 and before v1.2.4.
      'v1.2.4-0.20191109021931-daa7c04131f5',
      'v1.2.4',
    ]);
    // vX.Y.Z-pre.0.timestamp-hash: a commit after v1.3.0-pre.
    expectRelations(goVersionScheme, [['v1.3.0-pre', '<', 'v1.3.0-pre.0.20191109021931-daa7c04131f5']]);
  });
});
