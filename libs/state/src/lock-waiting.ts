import { type LockLease } from './lock-lease.keeper.js';
import { type RedisFencingLock } from './redis-fencing.lock.js';
import { StateError } from './state.error.js';

type Lock = Pick<RedisFencingLock, 'withLock'>;

/**
 * `withLock`, but waiting (briefly, with jitter) while another instance holds the lock instead of
 * failing at once: the critical sections here are one read and one write, milliseconds long.
 * After `waitMs` the LOCK_BUSY error (disposition not-ready) goes to the caller.
 */
export async function withLockWaiting<T>(
  lock: Lock,
  name: string,
  fn: (lease: LockLease, signal: AbortSignal) => Promise<T>,
  options: { ttlMs?: number; waitMs?: number } = {},
): Promise<T> {
  const ttlMs = options.ttlMs ?? 5_000;
  const deadline = Date.now() + (options.waitMs ?? 5_000);
  for (;;) {
    try {
      return await lock.withLock(name, ttlMs, fn);
    } catch (error) {
      if (!(error instanceof StateError) || error.code !== 'LOCK_BUSY' || Date.now() >= deadline) throw error;
      const pause = Math.min(error.retryAfterMs ?? 25, 25) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, pause)));
    }
  }
}
