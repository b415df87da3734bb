import { RedisRecordStore, type StateClient } from '@portcullis/state';
import { type ThreadRecord, type ThreadStore } from '../release/notify-release.ports.js';

/** One record per release, `notify-thread:<releaseId>`, kept `ttlMs` after its last change. */
export class RedisThreadStore implements ThreadStore {
  readonly #records: RedisRecordStore<ThreadRecord>;

  constructor(
    client: StateClient,
    private readonly ttlMs: number,
  ) {
    // A thread is bounded by THREAD_LIMITS (25 findings, 20 images and environments, 30 actions): a few tens of KiB at most.
    this.#records = new RedisRecordStore<ThreadRecord>(client, { namespace: 'notify-thread', maxBytes: 256 * 1024 });
  }

  load(releaseId: string): Promise<ThreadRecord | undefined> {
    return this.#records.get(releaseId);
  }

  save(record: ThreadRecord): Promise<void> {
    return this.#records.put(record.thread.releaseId, record, this.ttlMs);
  }
}
