import { RedisFencingLock, withLockWaiting, RedisRecordStore, type StateClient } from '@portcullis/state';
import { mergeSightings } from '../triage/incident-merge.js';
import { type FingerprintPage, type Incident, type IncidentIndex, type IncidentSighting } from '../triage/triage.ports.js';


/** Fingerprints are hex, so the first character spreads them over 16 index shards. */
const SHARDS = '0123456789abcdef';
/** Fingerprints updated at once by one `record` call. */
const CONCURRENCY = 16;

interface IndexShard {
  /** Ascending. */
  fingerprints: string[];
}

/**
 * Incidents in Redis: `secret-incident:<fingerprint>` → the incident (JSON), and 16 index shards
 * `secret-incident-index:<first hex char>` → the sorted fingerprints, so incidents can be listed
 * in a stable order without SCAN. Both are read-merge-write under per-key locks. A shard grows by
 * ~67 bytes per fingerprint; at the 4 MiB record limit that is about a million incidents in all.
 * A sorted-set primitive in libs/state would replace the shards (see the README).
 */
export class RedisIncidentIndex implements IncidentIndex {
  private readonly incidents: RedisRecordStore<StoredIncident>;
  private readonly shards: RedisRecordStore<IndexShard>;
  private readonly lock: RedisFencingLock;

  constructor(
    client: StateClient,
    private readonly options: { readonly ttlMs: number; readonly maxLocations: number },
  ) {
    // A location is at most ~800 bytes (repository 300, path 512, commit, time).
    this.incidents = new RedisRecordStore<StoredIncident>(client, { namespace: 'secret-incident', maxBytes: 4096 + options.maxLocations * 1024 });
    this.shards = new RedisRecordStore<IndexShard>(client, { namespace: 'secret-incident-index', maxBytes: 4 * 1024 * 1024 });
    this.lock = new RedisFencingLock(client, { namespace: 'secret-incident-lock' });
  }

  async record(sightings: readonly IncidentSighting[]): Promise<void> {
    const byFingerprint = new Map<string, IncidentSighting[]>();
    for (const s of sightings) byFingerprint.set(s.fingerprint, [...(byFingerprint.get(s.fingerprint) ?? []), s]);
    const queue = [...byFingerprint.entries()];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) await this.recordOne(next[0], next[1]);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  }

  async find(fingerprint: string): Promise<Incident | undefined> {
    const stored = await this.incidents.get(fingerprint);
    return stored === undefined ? undefined : publicIncident(stored);
  }

  async findMany(fingerprints: readonly string[]): Promise<ReadonlyMap<string, Incident>> {
    const unique = [...new Set(fingerprints)];
    const found = await Promise.all(unique.map((fp) => this.incidents.get(fp)));
    const map = new Map<string, Incident>();
    unique.forEach((fp, i) => {
      const incident = found[i];
      if (incident !== undefined) map.set(fp, publicIncident(incident));
    });
    return map;
  }

  async page(options: { readonly after?: string; readonly limit: number }): Promise<FingerprintPage> {
    const after = options.after ?? '';
    const firstShard = Math.max(0, SHARDS.indexOf(after.charAt(0)));
    const out: string[] = [];
    for (let i = firstShard; i < SHARDS.length; i++) {
      const shard = await this.shards.get(SHARDS[i]!);
      for (const fp of shard?.fingerprints ?? []) {
        if (fp <= after) continue;
        if (out.length === options.limit) return { fingerprints: out, nextCursor: out[out.length - 1]! };
        out.push(fp);
      }
    }
    return { fingerprints: out };
  }

  private async recordOne(fingerprint: string, sightings: readonly IncidentSighting[]): Promise<void> {
    const indexedAt = await withLockWaiting(this.lock, `incident:${fingerprint}`, async () => {
      const existing = await this.incidents.get(fingerprint);
      const merged: StoredIncident = { ...mergeSightings(existing === undefined ? undefined : publicIncident(existing), sightings, this.options.maxLocations) };
      if (existing?.indexedAt !== undefined) merged.indexedAt = existing.indexedAt;
      await this.incidents.put(fingerprint, merged, this.options.ttlMs);
      return existing?.indexedAt;
    });
    // (Re-)index a new incident, one whose indexing failed half-way, and, every half TTL, a live
    // one, so its shard cannot expire while the incident is still being seen.
    if (indexedAt !== undefined && Date.now() - indexedAt < this.options.ttlMs / 2) return;
    const shardId = fingerprint.charAt(0);
    await withLockWaiting(this.lock, `index:${shardId}`, async () => {
      const shard = (await this.shards.get(shardId)) ?? { fingerprints: [] };
      const fingerprints = shard.fingerprints.includes(fingerprint) ? shard.fingerprints : [...shard.fingerprints, fingerprint].sort();
      await this.shards.put(shardId, { fingerprints }, this.options.ttlMs);
    });
    await withLockWaiting(this.lock, `incident:${fingerprint}`, async () => {
      const current = await this.incidents.get(fingerprint);
      if (current !== undefined) await this.incidents.put(fingerprint, { ...current, indexedAt: Date.now() }, this.options.ttlMs);
    });
  }
}

/** The stored form: the incident plus when it was last written into its index shard. */
type StoredIncident = Incident & { indexedAt?: number };

function publicIncident(stored: StoredIncident): Incident {
  const { indexedAt: _indexedAt, ...incident } = stored;
  return incident;
}
