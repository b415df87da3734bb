import { repositoryKey, type RepositoryRef } from '@portcullis/contracts';
import { RedisFencingLock, withLockWaiting, RedisRecordStore, type StateClient } from '@portcullis/state';
import { type RefTipStore } from '../audit/audit.ports.js';


interface TipRecord {
  /** Null once the ref was deleted (the store has no delete; a cleared tip is a tombstone). */
  tip: string | null;
  /** Epoch ms of the write, for operators. */
  at: number;
}

/**
 * Last scanned tip per repository + ref: `secret-ref-tip:<provider/owner/name>:<ref>`. The
 * compare-and-set runs read-compare-write under a per-ref lock, so two instances finishing scans
 * of the same ref at once cannot move it backwards: the second one's `expected` no longer matches.
 */
export class RedisRefTipStore implements RefTipStore {
  private readonly records: RedisRecordStore<TipRecord>;
  private readonly lock: RedisFencingLock;

  constructor(
    client: StateClient,
    private readonly ttlMs: number,
  ) {
    this.records = new RedisRecordStore<TipRecord>(client, { namespace: 'secret-ref-tip', maxBytes: 1024 });
    this.lock = new RedisFencingLock(client, { namespace: 'secret-ref-tip-lock' });
  }

  async get(repository: RepositoryRef, ref: string): Promise<string | undefined> {
    return (await this.records.get(keyOf(repository, ref)))?.tip ?? undefined;
  }

  advance(repository: RepositoryRef, ref: string, expected: string | undefined, next: string): Promise<boolean> {
    return this.compareAndSet(repository, ref, expected, next);
  }

  clear(repository: RepositoryRef, ref: string, expected: string): Promise<boolean> {
    return this.compareAndSet(repository, ref, expected, null);
  }

  private compareAndSet(repository: RepositoryRef, ref: string, expected: string | undefined, next: string | null): Promise<boolean> {
    const key = keyOf(repository, ref);
    return withLockWaiting(this.lock, key, async () => {
      const current = (await this.records.get(key))?.tip ?? undefined;
      if (current !== expected) return false;
      await this.records.put(key, { tip: next, at: Date.now() }, this.ttlMs);
      return true;
    });
  }
}

function keyOf(repository: RepositoryRef, ref: string): string {
  return `${repositoryKey(repository)}:${ref}`;
}
