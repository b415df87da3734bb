import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LockLeaseKeeper, type LockLease } from './lock-lease.keeper.js';
import { StateError } from './state.error.js';

const ttlMs = 3_000;

function leaseAt(now: number): LockLease {
  return { name: 'deploy:prod', token: 7, ownerId: 'me', expiresAt: now + ttlMs };
}

const unavailable = () => new StateError({ code: 'STATE_UNAVAILABLE', disposition: 'retry', message: 'redis down' });
const lost = () => new StateError({ code: 'LOCK_LOST', disposition: 'retry', message: 'taken over' });

describe('LockLeaseKeeper', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('extends every ttl/3 and keeps the signal alive for as long as extensions succeed', async () => {
    const extend = vi.fn(async (lease: LockLease) => ({ ...lease, expiresAt: Date.now() + ttlMs }));
    const sut = new LockLeaseKeeper({ lease: leaseAt(Date.now()), ttlMs, extend });
    sut.start();
    await vi.advanceTimersByTimeAsync(10 * ttlMs);
    sut.stop();
    expect(extend).toHaveBeenCalledTimes(30);
    expect(sut.signal.aborted).toBe(false);
    expect(sut.lease.token).toBe(7);
  });

  it('aborts with LOCK_LOST as soon as Redis says the lease is gone', async () => {
    const extend = vi.fn(async () => {
      throw lost();
    });
    const sut = new LockLeaseKeeper({ lease: leaseAt(Date.now()), ttlMs, extend });
    sut.start();
    await vi.advanceTimersByTimeAsync(ttlMs / 3);
    expect(sut.signal.aborted).toBe(true);
    expect(sut.signal.reason).toBeInstanceOf(StateError);
    expect((sut.signal.reason as StateError).code).toBe('LOCK_LOST');
    expect(sut.lostReason).toBe(sut.signal.reason);
    await vi.advanceTimersByTimeAsync(10 * ttlMs);
    expect(extend).toHaveBeenCalledTimes(1);
  });

  it('rides out a transient failure when a later extension lands before expiry', async () => {
    let calls = 0;
    const extend = vi.fn(async (lease: LockLease) => {
      calls += 1;
      if (calls === 1) throw unavailable();
      return { ...lease, expiresAt: Date.now() + ttlMs };
    });
    const sut = new LockLeaseKeeper({ lease: leaseAt(Date.now()), ttlMs, extend });
    sut.start();
    await vi.advanceTimersByTimeAsync(5 * ttlMs);
    sut.stop();
    expect(sut.signal.aborted).toBe(false);
  });

  it('gives the lease up at its expiry when Redis stays unreachable, naming the last failure', async () => {
    const extend = vi.fn(async () => {
      throw unavailable();
    });
    const sut = new LockLeaseKeeper({ lease: leaseAt(Date.now()), ttlMs, extend });
    sut.start();
    await vi.advanceTimersByTimeAsync(ttlMs - 1);
    expect(sut.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(sut.signal.aborted).toBe(true);
    expect((sut.signal.reason as StateError).code).toBe('LOCK_LOST');
    expect((sut.signal.reason as StateError).message).toContain('redis down');
  });

  it('does nothing more once stopped', async () => {
    const extend = vi.fn(async (lease: LockLease) => lease);
    const sut = new LockLeaseKeeper({ lease: leaseAt(Date.now()), ttlMs, extend });
    sut.start();
    sut.stop();
    await vi.advanceTimersByTimeAsync(10 * ttlMs);
    expect(extend).not.toHaveBeenCalled();
    expect(sut.signal.aborted).toBe(false);
  });
});
