import { describe, expect, it } from 'vitest';

import { expectRelations, expectStrictlyIncreasing } from '../../test/ordering.js';
import { pypiVersionScheme as sut } from './pypi.version.js';

describe('pypiVersionScheme (PEP 440)', () => {
  it('orders the summary example of PEP 440 "Summary of permitted suffixes and relative ordering"', () => {
    expectStrictlyIncreasing(sut, [
      '1.dev0',
      '1.0.dev456',
      '1.0a1',
      '1.0a2.dev456',
      '1.0a12.dev456',
      '1.0a12',
      '1.0b1.dev456',
      '1.0b2',
      '1.0b2.post345.dev456',
      '1.0b2.post345',
      '1.0rc1.dev456',
      '1.0rc1',
      '1.0',
      '1.0+abc.5',
      '1.0+abc.7',
      '1.0+5',
      '1.0.post456.dev34',
      '1.0.post456',
      '1.0.15',
      '1.1.dev1',
    ]);
  });

  it('puts the epoch before everything and normalises spellings', () => {
    expectRelations(sut, [
      ['1!1.0', '>', '2024.1'],
      ['1.0-alpha1', '=', '1.0a1'],
      ['1.0', '=', '1.0.0'],
      ['1.0.post1', '=', '1.0-1'],
      ['2.31.0', '<', '2.32.0'],
    ]);
  });

  it('rejects what PEP 440 does not allow', () => {
    expect(sut.parse('1.0-foo')).toBeUndefined();
    expect(sut.parse('')).toBeUndefined();
  });
});
