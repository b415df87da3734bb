import { describe, expect, it } from 'vitest';
import { type LockLease } from './lock-lease.keeper.js';
import { withLockWaiting } from './lock-waiting.js';
import { StateError } from './state.error.js';

/** A lock held by someone else until `freeAt` (ms since the test started); busy answers carry `holderTtlMs`. */
function lockHeldUntil(freeAt: number, holderTtlMs = 30_000) {
  const start = Date.now();
  let token = 0;
  return {
    attempts: 0,
    async withLock<T>(name: string, ttlMs: number, fn: (lease: LockLease, signal: AbortSignal) => Promise<T>): Promise<T> {
      this.attempts += 1;
      if (Date.now() - start < freeAt) {
        throw new StateError({ code: 'LOCK_BUSY', disposition: 'not-ready', message: `lock ${name} is held by another owner`, retryAfterMs: holderTtlMs });
      }
      token += 1;
      return fn({ name, token, ownerId: 'me', expiresAt: Date.now() + ttlMs }, new AbortController().signal);
    },
  };
}

describe('withLockWaiting', () => {
  it('waits for a lock freed within waitMs and runs with the lease', async () => {
    const lock = lockHeldUntil(60);

    const sut = await withLockWaiting(lock, 'release:x', async (lease) => lease.token, { waitMs: 2_000 });

    expect(sut).toBe(1);
    expect(lock.attempts).toBeGreaterThan(1);
  });

  it("gives up after waitMs with the holder's remaining TTL as the hint by default", async () => {
    const lock = lockHeldUntil(Infinity, 30_000);

    const sut = withLockWaiting(lock, 'release:x', async () => 'ran', { waitMs: 50 });

    await expect(sut).rejects.toMatchObject({ code: 'LOCK_BUSY', disposition: 'not-ready', retryAfterMs: 30_000 });
  });

  it('gives up with busyRetryMs as the hint when the caller knows its sections are short', async () => {
    const lock = lockHeldUntil(Infinity, 30_000);

    const sut = withLockWaiting(lock, 'release:x', async () => 'ran', { waitMs: 50, busyRetryMs: 1_000 });

    await expect(sut).rejects.toMatchObject({ code: 'LOCK_BUSY', disposition: 'not-ready', retryAfterMs: 1_000 });
  });

  it('passes any other error from the section through at once', async () => {
    const lock = lockHeldUntil(0);
    const boom = new Error('section failed');

    await expect(withLockWaiting(lock, 'release:x', () => Promise.reject(boom), { waitMs: 2_000 })).rejects.toBe(boom);
    expect(lock.attempts).toBe(1);
  });
});
