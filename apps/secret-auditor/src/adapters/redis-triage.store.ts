import { RedisFencingLock, withLockWaiting, RedisRecordStore, type StateClient } from '@portcullis/state';
import { isLaterDecision } from '../triage/triage-decision.js';
import { type TriageRecord, type TriageStore } from '../triage/triage.ports.js';


/**
 * The triage view: `secret-triage:<fingerprint>` → the winning decision (JSON). Writes are
 * read-compare-write under a per-fingerprint lock, so two instances applying two decisions at once
 * keep the later one (by decision time), whichever finishes last. A compare-and-set primitive in
 * libs/state would remove the lock round trips (see the README).
 */
export class RedisTriageStore implements TriageStore {
  private readonly records: RedisRecordStore<TriageRecord>;
  private readonly lock: RedisFencingLock;

  constructor(
    client: StateClient,
    private readonly ttlMs: number,
  ) {
    this.records = new RedisRecordStore<TriageRecord>(client, { namespace: 'secret-triage' });
    this.lock = new RedisFencingLock(client, { namespace: 'secret-triage-lock' });
  }

  find(fingerprint: string): Promise<TriageRecord | undefined> {
    return this.records.get(fingerprint);
  }

  async findMany(fingerprints: readonly string[]): Promise<ReadonlyMap<string, TriageRecord>> {
    const unique = [...new Set(fingerprints)];
    // Issued in one tick: the client auto-pipelines them into one round trip.
    const found = await Promise.all(unique.map((fp) => this.records.get(fp)));
    const map = new Map<string, TriageRecord>();
    unique.forEach((fp, i) => {
      const record = found[i];
      if (record !== undefined) map.set(fp, record);
    });
    return map;
  }

  apply(record: TriageRecord): Promise<boolean> {
    return withLockWaiting(this.lock, record.fingerprint, async () => {
      const current = await this.records.get(record.fingerprint);
      if (!isLaterDecision(record, current)) return false;
      await this.records.put(record.fingerprint, record, this.ttlMs);
      return true;
    });
  }
}
