import { NotReadyError, PortcullisError } from '@portcullis/errors';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, decideOnFailure } from './retry.policy.js';

const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 1_000, multiplier: 4, maxReschedules: 2 };
const fixed = () => 1; // upper end of the jitter window

describe('decideOnFailure', () => {
  it('retries a transient error with a growing delay until attempts run out', () => {
    expect(decideOnFailure(new Error('x'), { attempt: 1, reschedules: 0 }, policy, fixed)).toEqual({
      action: 'retry',
      attempt: 2,
      reschedules: 0,
      delayMs: 100,
    });
    expect(decideOnFailure(new Error('x'), { attempt: 2, reschedules: 0 }, policy, fixed)).toMatchObject({ delayMs: 400 });
    expect(decideOnFailure(new Error('x'), { attempt: 3, reschedules: 0 }, policy, fixed)).toEqual({
      action: 'dead-letter',
      reason: 'exhausted',
    });
  });

  it('keeps jitter within half to the whole delay and under the cap', () => {
    const low = decideOnFailure(new Error('x'), { attempt: 2, reschedules: 0 }, policy, () => 0);
    expect(low).toMatchObject({ delayMs: 200 });
    const capped = decideOnFailure(new Error('x'), { attempt: 2, reschedules: 0 }, { ...policy, maxAttempts: 10, initialBackoffMs: 900 }, fixed);
    expect(capped).toMatchObject({ delayMs: 1_000 });
  });

  it('dead-letters a permanent error at once', () => {
    const error = new PortcullisError({ code: 'BAD', message: 'bad input', disposition: 'permanent' });
    expect(decideOnFailure(error, { attempt: 1, reschedules: 0 }, policy)).toEqual({ action: 'dead-letter', reason: 'permanent' });
  });

  it('re-schedules "not ready" without spending an attempt, honouring its hint, until the cap', () => {
    const notReady = new NotReadyError('scan pending', 700);
    expect(decideOnFailure(notReady, { attempt: 3, reschedules: 0 }, policy)).toEqual({
      action: 'retry',
      attempt: 3,
      reschedules: 1,
      delayMs: 700,
    });
    expect(decideOnFailure(notReady, { attempt: 1, reschedules: 2 }, policy)).toEqual({ action: 'dead-letter', reason: 'stuck' });
  });

  it('waits at least as long as a retry-after hint', () => {
    const throttled = new PortcullisError({ code: 'RATE', message: '429', disposition: 'retry', retryAfterMs: 900 });
    expect(decideOnFailure(throttled, { attempt: 1, reschedules: 0 }, policy, () => 0)).toMatchObject({ delayMs: 900 });
  });
});
