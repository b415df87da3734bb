import { EXAMPLE_ACTOR } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { effectiveTriageState, isLapsed, isLaterDecision, triageRecordOf } from './triage-decision.js';

const now = new Date('2026-06-01T12:00:00Z');

describe('effectiveTriageState', () => {
  it('counts a fingerprint nobody triaged as open', () => {
    expect(effectiveTriageState(undefined, now)).toBe('open');
  });

  it.each([
    ['false_positive', undefined, 'false_positive'],
    ['rotated', undefined, 'rotated'],
    ['accepted', undefined, 'accepted'],
    ['accepted', '2026-06-02T00:00:00Z', 'accepted'],
    ['accepted', '2026-06-01T12:00:00Z', 'open'],
    ['accepted', '2026-01-01T00:00:00Z', 'open'],
    ['open', undefined, 'open'],
  ] as const)('%s until %s counts as %s', (state, until, expected) => {
    const sut = effectiveTriageState({ state, ...(until === undefined ? {} : { until }) }, now);
    expect(sut).toBe(expected);
  });

  it('flags only a lapsed acceptance as lapsed', () => {
    expect(isLapsed({ state: 'accepted', until: '2026-05-01T00:00:00Z' }, now)).toBe(true);
    expect(isLapsed({ state: 'accepted', until: '2026-07-01T00:00:00Z' }, now)).toBe(false);
    expect(isLapsed({ state: 'rotated' }, now)).toBe(false);
  });
});

describe('isLaterDecision', () => {
  it('orders by decision time, not arrival', () => {
    const older = { decidedAt: '2026-06-01T10:00:00.000Z', eventId: 'b' };
    const newer = { decidedAt: '2026-06-01T11:00:00.000Z', eventId: 'a' };
    expect(isLaterDecision(newer, older)).toBe(true);
    expect(isLaterDecision(older, newer)).toBe(false);
    expect(isLaterDecision(older, undefined)).toBe(true);
  });

  it('breaks a tie on the event id, so any replay order picks the same winner', () => {
    const a = { decidedAt: '2026-06-01T10:00:00.000Z', eventId: 'a' };
    const b = { decidedAt: '2026-06-01T10:00:00+00:00', eventId: 'b' };
    expect(isLaterDecision(b, a)).toBe(true);
    expect(isLaterDecision(a, b)).toBe(false);
    expect(isLaterDecision(a, a)).toBe(false);
  });
});

describe('triageRecordOf', () => {
  const command = {
    kind: 'finding.triage' as const,
    requestId: 'req-1',
    actor: { ...EXAMPLE_ACTOR, id: 'alice' },
    repository: { provider: 'github' as const, owner: 'acme', name: 'shop' },
    fingerprint: 'f'.repeat(64),
    state: 'accepted' as const,
    until: '2027-01-31T23:59:59+01:00',
    reason: 'test fixture, revoked upstream',
  };

  it('keeps who, why, until (normalised to UTC) and the event time as decidedAt', () => {
    const sut = triageRecordOf(command, { id: 'evt-1', time: '2026-06-01T12:00:00Z' });
    expect(sut).toEqual({
      fingerprint: 'f'.repeat(64),
      state: 'accepted',
      until: '2027-01-31T22:59:59.000Z',
      by: 'alice',
      reason: 'test fixture, revoked upstream',
      decidedAt: '2026-06-01T12:00:00.000Z',
      requestId: 'req-1',
      eventId: 'evt-1',
    });
  });

  it('drops an until sent with a state it means nothing for', () => {
    const sut = triageRecordOf({ ...command, state: 'rotated' }, { id: 'evt-2', time: '2026-06-01T12:00:00Z' });
    expect(sut.until).toBeUndefined();
  });
});
