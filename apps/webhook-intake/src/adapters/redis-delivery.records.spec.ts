import { describe, expect, it } from 'vitest';
import { type DeliveryAttempt } from '../intake/intake.ports.js';
import { mergeAttempt } from './redis-delivery.records.js';

const base = { deliveryId: 'd-1', source: 'gh', provider: 'github', eventType: 'push' } as const;
const attempt = (outcome: DeliveryAttempt['outcome'], status: number, at: string, extra: Partial<DeliveryAttempt> = {}): DeliveryAttempt => ({
  ...base,
  outcome,
  status,
  at,
  ...extra,
});

describe('mergeAttempt', () => {
  it('keeps a delivery accepted whatever arrives after it, with the newest attempts first', () => {
    const sut = mergeAttempt;
    let record = sut(undefined, attempt('rejected', 401, '2026-01-01T00:00:00Z', { reason: 'SIGNATURE_INVALID' }));
    record = sut(record, attempt('accepted', 202, '2026-01-01T00:01:00Z', { eventId: 'e-1', repository: 'github/acme/shop' }));
    record = sut(record, attempt('duplicate', 200, '2026-01-01T00:02:00Z', { reason: 'duplicate' }));

    expect(record).toMatchObject({
      outcome: 'accepted',
      status: 202,
      eventId: 'e-1',
      repository: 'github/acme/shop',
      firstSeenAt: '2026-01-01T00:00:00Z',
      lastSeenAt: '2026-01-01T00:02:00Z',
    });
    expect(record.reason).toBeUndefined();
    expect(record.attempts.map((a) => a.outcome)).toEqual(['duplicate', 'accepted', 'rejected']);
  });

  it('keeps at most ten attempts', () => {
    let record = mergeAttempt(undefined, attempt('unavailable', 503, '2026-01-01T00:00:00Z'));
    for (let i = 1; i < 15; i++) record = mergeAttempt(record, attempt('unavailable', 503, `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`));
    expect(record.attempts).toHaveLength(10);
  });
});
