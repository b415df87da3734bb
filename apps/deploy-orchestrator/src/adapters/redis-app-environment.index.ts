import { RedisFencingLock, RedisRecordStore, type StateClient, withLockWaiting } from '@portcullis/state';
import { type AppEnvironmentIndex } from '../release/reconcile.ports.js';

interface ScopeRecord {
  /** Order the next registered release gets. */
  next: number;
  /** Order of each registered release (the most recent MAX_RELEASES). */
  releases: Record<string, number>;
  newest?: string;
  active?: string;
  lastGood?: string;
  quarantine: { releaseId: string; order: number; digests: string[] }[];
}

const MAX_RELEASES = 200;
const MAX_QUARANTINE = 50;

/**
 * Per app/environment bookkeeping shared by every instance: release order (supersede), the release
 * deploying now, the last good release (rollback target) and quarantined digests. One small record
 * per scope, changed read-compare-write under a per-scope lock; reads take no lock.
 */
export class RedisAppEnvironmentIndex implements AppEnvironmentIndex {
  readonly #records: RedisRecordStore<ScopeRecord>;
  readonly #lock: RedisFencingLock;

  constructor(
    client: StateClient,
    private readonly ttlMs: number,
  ) {
    this.#records = new RedisRecordStore<ScopeRecord>(client, { namespace: 'deploy-scope', maxBytes: 64 * 1024 });
    this.#lock = new RedisFencingLock(client, { namespace: 'deploy-scope-lock' });
  }

  async register(scope: string, releaseId: string): Promise<{ order: number; newest: string; previous: string | undefined }> {
    return this.#update(scope, (record) => {
      const known = record.releases[releaseId];
      if (known !== undefined) return { record, result: { order: known, newest: record.newest ?? releaseId, previous: undefined } };
      const order = record.next;
      const releases = Object.fromEntries([...Object.entries(record.releases), [releaseId, order] as const].slice(-MAX_RELEASES));
      return { record: { ...record, next: order + 1, releases, newest: releaseId }, result: { order, newest: releaseId, previous: record.newest } };
    });
  }

  async newest(scope: string): Promise<string | undefined> {
    return (await this.#records.get(scope))?.newest;
  }

  async active(scope: string): Promise<string | undefined> {
    return (await this.#records.get(scope))?.active;
  }

  async setActive(scope: string, releaseId: string | undefined): Promise<void> {
    await this.#update(scope, (record) => ({ record: { ...record, active: releaseId }, result: undefined }));
  }

  async lastGood(scope: string): Promise<string | undefined> {
    return (await this.#records.get(scope))?.lastGood;
  }

  async setLastGood(scope: string, releaseId: string): Promise<void> {
    await this.#update(scope, (record) => ({ record: { ...record, lastGood: releaseId }, result: undefined }));
  }

  async quarantine(scope: string, entry: { releaseId: string; order: number; digests: readonly string[] }): Promise<void> {
    await this.#update(scope, (record) => ({
      record: { ...record, quarantine: [...record.quarantine.filter((q) => q.releaseId !== entry.releaseId), { ...entry, digests: [...entry.digests] }].slice(-MAX_QUARANTINE) },
      result: undefined,
    }));
  }

  async quarantinedBy(scope: string, order: number, digests: readonly string[]): Promise<string | undefined> {
    const record = await this.#records.get(scope);
    // A newer commit lifts the quarantine; the same or an older one carrying a bad digest does not.
    return record?.quarantine.find((q) => order <= q.order && q.digests.some((d) => digests.includes(d)))?.releaseId;
  }

  #update<T>(scope: string, change: (record: ScopeRecord) => { record: ScopeRecord; result: T }): Promise<T> {
    return withLockWaiting(this.#lock, scope, async () => {
      const current = (await this.#records.get(scope)) ?? { next: 1, releases: {}, quarantine: [] };
      const { record, result } = change(current);
      if (record !== current) await this.#records.put(scope, record, this.ttlMs);
      return result;
    });
  }
}
