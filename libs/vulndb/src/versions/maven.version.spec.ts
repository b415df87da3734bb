import { describe, expect, it } from 'vitest';

import { expectRelations, expectStrictlyIncreasing } from '../../test/ordering.js';
import { mavenVersionScheme as sut } from './maven.version.js';

// The orderings below are those of maven-artifact's ComparableVersionTest.
describe('mavenVersionScheme (ComparableVersion)', () => {
  it('orders qualifiers', () => {
    expectStrictlyIncreasing(sut, [
      '1-alpha2snapshot',
      '1-alpha2',
      '1-alpha-123',
      '1-beta-2',
      '1-beta123',
      '1-m2',
      '1-m11',
      '1-rc',
      '1-cr2',
      '1-rc123',
      '1-SNAPSHOT',
      '1',
      '1-sp',
      '1-sp2',
      '1-sp123',
      '1-abc',
      '1-def',
      '1-pom-1',
      '1-1-snapshot',
      '1-1',
      '1-2',
      '1-123',
    ]);
  });

  it('orders numbers and mixed items', () => {
    expectStrictlyIncreasing(sut, [
      '2.0',
      '2-1',
      '2.0.a',
      '2.0.0.a',
      '2.0.2',
      '2.0.123',
      '2.1.0',
      '2.1-a',
      '2.1b',
      '2.1-c',
      '2.1-1',
      '2.1.0.1',
      '2.2',
      '2.123',
      '11.a2',
      '11.a11',
      '11.b2',
      '11.b11',
      '11.m2',
      '11.m11',
      '11',
      '11.a',
      '11b',
      '11c',
      '11m',
    ]);
  });

  it('treats equivalent spellings as equal', () => {
    expectRelations(sut, [
      ['1', '=', '1.0.0'],
      ['1', '=', '1-0'],
      ['1', '=', '1-ga'],
      ['1', '=', '1-final'],
      ['1', '=', '1.release'],
      ['1a', '=', '1-a'],
      ['1a1', '=', '1-alpha-1'],
      ['1b2', '=', '1-beta-2'],
      ['1m3', '=', '1-milestone-3'],
      ['1-cr1', '=', '1-rc-1'],
      ['1X', '=', '1x'],
      ['1-SNAPSHOT', '=', '1-snapshot'],
    ]);
  });

  it('orders real log4j-core releases', () => {
    expectStrictlyIncreasing(sut, ['2.0-alpha1', '2.0-beta9', '2.0-rc1', '2.0', '2.3.1', '2.12.2', '2.12.4', '2.15.0', '2.16.0', '2.17.1']);
  });

  it('rejects an empty version', () => {
    expect(sut.parse('')).toBeUndefined();
  });
});
