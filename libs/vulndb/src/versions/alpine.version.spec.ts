import { describe, expect, it } from 'vitest';

import { expectRelations, expectStrictlyIncreasing } from '../../test/ordering.js';
import { alpineVersionScheme as sut } from './alpine.version.js';

describe('alpineVersionScheme (apk-tools)', () => {
  it('orders suffixes: pre-release ones before the release, post-release ones after', () => {
    expectStrictlyIncreasing(sut, ['1.0_alpha', '1.0_beta', '1.0_pre', '1.0_rc', '1.0', '1.0_cvs', '1.0_svn', '1.0_git', '1.0_hg', '1.0_p1']);
  });

  it('orders the -r revision after everything else', () => {
    expectStrictlyIncreasing(sut, ['3.1.4-r0', '3.1.4-r1', '3.1.4-r10', '3.1.4_p1-r0', '3.1.5-r0']);
  });

  // A selection of the pairs in apk-tools' own test/version.data.
  it("agrees with apk-tools' version test data", () => {
    expectRelations(sut, [
      ['2.34', '>', '0.1.0_alpha'],
      ['0.1.0_alpha', '=', '0.1.0_alpha'],
      ['0.1.0_alpha2', '>', '0.1.0_alpha'],
      ['1.1', '>', '1.1_alpha1'],
      ['1.2.1', '>', '1.2'],
      ['1.2', '<', '1.3_alpha'],
      ['2.3.0b-r1', '<', '2.3.0b-r2'],
      ['0.12.3', '>', '0.12'],
      ['3.1_p16', '<', '3.1_p17'],
      ['1.06-r6', '<', '006'],
      ['2.2.3-r2', '<', '013'],
      ['1.2.2-r1', '>', '1.2.2'],
      ['2.59', '<', '20050718-r1'],
      ['2.01.01_alpha10', '>', '0.94'],
      ['1.0', '>', '0.99.3.20040818'],
      ['1.39', '>', '1.00_beta2'],
      ['4.2.52_p2-r1', '<', '4.2.52_p4-r2'],
      ['2.5.1-r8', '<', '2.5.1a-r1'],
      ['1.7', '<', '1.7b'],
      ['1.8.5', '<', '1.8.5_p2'],
      ['0.20070118', '<', '0.20070207_rc1'],
      ['1.2.07.8', '<', '1.2.12.04'],
      ['2.9.11_pre20051101-r3', '>', '2.9.11_pre20051101'],
      ['0.9.28.1', '<', '087-r1'],
      ['1.0_p10-r0', '>', '1.0_p9-r0'],
      ['0.1.0_alpha_pre2', '<', '0.1.0_alpha'],
      ['1.3_pre1-r1', '<', '1.3.2'],
      ['1.0.0_pre20191002222144-r0', '<', '1.0.0_pre20210530193627-r0'],
    ]);
  });

  it('orders real Alpine openssl package versions', () => {
    expectStrictlyIncreasing(sut, ['3.1.4-r0', '3.1.4-r1', '3.1.4-r5', '3.1.5-r0', '3.1.6-r0']);
  });

  it('rejects strings apk would not accept', () => {
    expect(sut.parse('')).toBeUndefined();
    expect(sut.parse('1.0_foo')).toBeUndefined();
    expect(sut.parse('1.0bc')).toBeUndefined();
    expect(sut.parse('1.0-1')).toBeUndefined();
    expect(sut.parse('v1.0')).toBeUndefined();
  });
});
