import { NotReadyError } from '@portcullis/errors';
import { type RedisFencingLock, StateError, withLockWaiting } from '@portcullis/state';
import { type ReleaseLocks } from '../release/notify-release.ports.js';

/**
 * Per-release locks on RedisFencingLock: a busy lock is waited for briefly (the holder makes a few
 * Slack calls at most), then the event is handed back as not-ready after `busyRetryMs`.
 */
export class RedisReleaseLocks implements ReleaseLocks {
  constructor(
    private readonly lock: Pick<RedisFencingLock, 'withLock'>,
    private readonly options: { ttlMs: number; waitMs: number; busyRetryMs: number },
  ) {}

  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withLockWaiting(this.lock, name, () => fn(), { ttlMs: this.options.ttlMs, waitMs: this.options.waitMs });
    } catch (error) {
      if (error instanceof StateError && error.code === 'LOCK_BUSY') throw new NotReadyError(`${name} is held by another step; trying again shortly`, this.options.busyRetryMs);
      throw error;
    }
  }
}
