import { type LockLease } from './lock-lease.keeper.js';
import { type RedisFencingLock } from './redis-fencing.lock.js';
import { StateError } from './state.error.js';

type Lock = Pick<RedisFencingLock, 'withLock'>;

/**
 * `withLock`, but waiting (briefly, with jitter) while another instance holds the lock instead of
 * failing at once: for critical sections that are short compared with the lock's TTL.
 * After `waitMs` the LOCK_BUSY error (disposition not-ready) goes to the caller. Its retry hint is
 * the holder's remaining TTL (when the lock is free at the latest) unless `busyRetryMs` is given:
 * a holder renews its lease while it works, so that TTL says nothing about how soon a short
 * section ends, and an event handed back with it would sit out the whole lease.
 */
export async function withLockWaiting<T>(
  lock: Lock,
  name: string,
  fn: (lease: LockLease, signal: AbortSignal) => Promise<T>,
  options: { ttlMs?: number; waitMs?: number; busyRetryMs?: number } = {},
): Promise<T> {
  const ttlMs = options.ttlMs ?? 5_000;
  const deadline = Date.now() + (options.waitMs ?? 5_000);
  for (;;) {
    try {
      return await lock.withLock(name, ttlMs, fn);
    } catch (error) {
      if (!(error instanceof StateError) || error.code !== 'LOCK_BUSY') throw error;
      if (Date.now() >= deadline) {
        if (options.busyRetryMs === undefined) throw error;
        throw new StateError({ code: 'LOCK_BUSY', disposition: 'not-ready', message: error.message, retryAfterMs: options.busyRetryMs });
      }
      const pause = Math.min(error.retryAfterMs ?? 25, 25) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, pause)));
    }
  }
}
