import { describe, expect, it } from 'vitest';

import { expectRelations, expectStrictlyIncreasing } from '../../test/ordering.js';
import { debianVersionScheme as sut } from './debian.version.js';

describe('debianVersionScheme (deb-version(7))', () => {
  it('sorts ~ before everything, even the end of the part (the man page example)', () => {
    // deb-version(7): "~~, ~~a, ~, the empty part, a".
    expectStrictlyIncreasing(sut, ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a']);
  });

  it('sorts letters before non-letters in the non-digit pass', () => {
    expectRelations(sut, [
      ['1.0a', '<', '1.0+'],
      ['1.0a', '<', '1.0.a'],
      ['1.0+dfsg', '>', '1.0'],
      ['1.0+b1', '<', '1.0.1'],
    ]);
  });

  it('compares digit runs numerically, ignoring leading zeros', () => {
    expectRelations(sut, [
      ['1.10', '>', '1.9'],
      ['1.010', '=', '1.10'],
      ['2.30-21', '>', '2.30-3'],
    ]);
  });

  it('compares the epoch first, and treats a missing epoch as 0 and a missing revision as 0', () => {
    expectRelations(sut, [
      ['1:1.0', '>', '9.9'],
      ['0:1.0', '=', '1.0'],
      ['1.0', '=', '1.0-0'],
      ['1:2.0-1', '<', '2:0.1-1'],
    ]);
  });

  it('splits the revision at the last hyphen', () => {
    const parsed = sut.parse('1:2.0-rc-3');
    expect(parsed).toEqual({ epoch: 1, upstream: '2.0-rc', revision: '3' });
    expectRelations(sut, [['2.0-rc-3', '<', '2.0-rc-10']]);
  });

  it('orders real Debian security update versions', () => {
    expectStrictlyIncreasing(sut, [
      '1.1.1n-0+deb11u4',
      '1.1.1n-0+deb11u5',
      '1.1.1w-0+deb11u1',
      '3.0.11-1~deb12u2',
      '3.0.13-1~deb12u1',
      '3.0.13-1',
      '3.0.13-1+b1',
    ]);
  });

  it('rejects strings that are not Debian versions', () => {
    expect(sut.parse('')).toBeUndefined();
    expect(sut.parse('a:1.0')).toBeUndefined();
    expect(sut.parse('1.0-')).toBeUndefined();
    expect(sut.parse('1.0 beta')).toBeUndefined();
    expect(sut.parse('x1.0')).toBeUndefined();
  });
});
