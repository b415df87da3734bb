import { NotReadyError } from '@portcullis/errors';
import { type RedisFencingLock, StateError, withLockWaiting } from '@portcullis/state';
import { type Locks } from '../release/reconcile-release.use-case.js';

/**
 * The reconciler's locks on RedisFencingLock: a busy lock is waited for briefly (another event of
 * the same release is usually done within milliseconds), then the event is handed back as
 * not-ready after `busyRetryMs` — not after the holder's remaining TTL, which would park it for
 * the whole lease (30 s) although the holder lets go much sooner.
 */
export class RedisDeployLocks implements Locks {
  constructor(
    private readonly lock: Pick<RedisFencingLock, 'withLock'>,
    private readonly options: { waitMs: number; busyRetryMs: number },
  ) {}

  async withLock<T>(name: string, ttlMs: number, fn: (lease: { token: number }, signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await withLockWaiting(this.lock, name, fn, { ttlMs, waitMs: this.options.waitMs });
    } catch (error) {
      if (error instanceof StateError && error.code === 'LOCK_BUSY') throw new NotReadyError(`${name} is held by another step; trying again shortly`, this.options.busyRetryMs);
      throw error;
    }
  }
}
