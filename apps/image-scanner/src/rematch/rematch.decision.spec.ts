import { describe, expect, it } from 'vitest';
import { verdictChanged } from './rematch.decision.js';

describe('verdictChanged', () => {
  it('is news when the verdict changes', () => {
    expect(verdictChanged({ verdict: 'pass', findingIds: ['X'] }, { verdict: 'fail', findingIds: ['X'] })).toBe(true);
  });

  it('is news when a finding appears or goes away under the same verdict', () => {
    expect(verdictChanged({ verdict: 'pass', findingIds: ['X'] }, { verdict: 'pass', findingIds: ['X', 'Y'] })).toBe(true);
    expect(verdictChanged({ verdict: 'fail', findingIds: ['X', 'Y'] }, { verdict: 'fail', findingIds: ['Y'] })).toBe(true);
    expect(verdictChanged({ verdict: 'pass', findingIds: ['X'] }, { verdict: 'pass', findingIds: ['Y'] })).toBe(true);
  });

  it('is not news when only the order of the same findings differs', () => {
    expect(verdictChanged({ verdict: 'fail', findingIds: ['Y', 'X'] }, { verdict: 'fail', findingIds: ['X', 'Y'] })).toBe(false);
    expect(verdictChanged({ verdict: 'pass', findingIds: [] }, { verdict: 'pass', findingIds: [] })).toBe(false);
  });
});
