import { RedisRecordStore, type StateClient } from '@portcullis/state';
import { type ReleaseStore } from '../release/reconcile.ports.js';
import { type ReleaseRecord } from '../release/release.model.js';

/** One record per release, `deploy-release:<repo@sha>`, kept `ttlMs` after its last change. */
export class RedisReleaseStore implements ReleaseStore {
  readonly #records: RedisRecordStore<ReleaseRecord>;

  constructor(
    client: StateClient,
    private readonly ttlMs: number,
  ) {
    // Gate items are capped at 20 per gate and strategy progress is a few timestamps: 128 KiB is ample.
    this.#records = new RedisRecordStore<ReleaseRecord>(client, { namespace: 'deploy-release', maxBytes: 128 * 1024 });
  }

  get(releaseId: string): Promise<ReleaseRecord | undefined> {
    return this.#records.get(releaseId);
  }

  put(release: ReleaseRecord): Promise<void> {
    return this.#records.put(release.releaseId, release, this.ttlMs);
  }
}
