import { NotReadyError } from '@portcullis/errors';
import { RedisFencingLock, StateError, type StateClient } from '@portcullis/state';
import { type ScanLock } from '../scan/scan-image.ports.js';

/**
 * Single flight of scans across instances: `scan-lock:{<digest>:<platform>}`, kept alive while
 * the scan runs (the lock extends itself every ttl/3; `signal` aborts if it is lost anyway).
 * A held lock becomes a NotReadyError with a short delay rather than the holder's remaining TTL:
 * the re-scheduled event should come back soon after the scan ends, and then hits the cache.
 */
export class RedisScanLock implements ScanLock {
  private readonly lock: RedisFencingLock;

  constructor(
    client: StateClient,
    private readonly options: { readonly ttlMs: number; readonly busyRetryMs: number; readonly ownerId: string },
  ) {
    this.lock = new RedisFencingLock(client, { namespace: 'scan-lock', ownerId: options.ownerId });
  }

  async withLock<T>(name: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await this.lock.withLock(name, this.options.ttlMs, (_lease, signal) => fn(signal));
    } catch (error) {
      if (error instanceof StateError && error.code === 'LOCK_BUSY') {
        throw new NotReadyError(`image ${name} is being scanned by another instance`, this.options.busyRetryMs);
      }
      throw error;
    }
  }
}
