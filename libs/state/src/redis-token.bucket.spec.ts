import { describe, expect, it } from 'vitest';
import { normalizeLimit } from './redis-token.bucket.js';
import { StateError } from './state.error.js';

describe('normalizeLimit', () => {
  it('defaults cost to one token and keeps fractional rates', () => {
    expect(normalizeLimit({ capacity: 1, refillPerSecond: 0.5 })).toEqual({ capacity: 1, refillPerSecond: 0.5, cost: 1 });
  });

  it.each([
    [{ capacity: 0, refillPerSecond: 1 }],
    [{ capacity: 5, refillPerSecond: 0 }],
    [{ capacity: 5, refillPerSecond: Number.NaN }],
    [{ capacity: Number.POSITIVE_INFINITY, refillPerSecond: 1 }],
    [{ capacity: 5, refillPerSecond: 1, cost: -1 }],
    // Could never be allowed: a waiter would wait forever.
    [{ capacity: 5, refillPerSecond: 1, cost: 6 }],
  ])('rejects %o as a permanent invalid argument', (limit) => {
    let thrown: unknown;
    try {
      normalizeLimit(limit);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StateError);
    expect((thrown as StateError).code).toBe('STATE_INVALID_ARGUMENT');
    expect((thrown as StateError).disposition).toBe('permanent');
  });
});
