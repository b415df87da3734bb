import { RedisRecordStore, type StateClient } from '@portcullis/state';
import { type PolicyCache } from './git-policy.source.js';
import { type ResolvedImagePolicy } from './policy-source.js';

/**
 * Resolved repository policies by `image-policy:<platform defaults>:<provider>:<owner>/<name>@<sha>`,
 * shared by all instances. A commit's files never change, so the TTL only bounds memory. At most
 * 500 suppressions plus 1000 `.trivyignore` entries make a record well under its 1 MiB cap.
 */
export class RedisPolicyCache implements PolicyCache {
  private readonly records: RedisRecordStore<ResolvedImagePolicy>;

  constructor(
    client: StateClient,
    private readonly ttlMs: number,
  ) {
    this.records = new RedisRecordStore<ResolvedImagePolicy>(client, { namespace: 'image-policy', maxBytes: 1024 * 1024 });
  }

  get(key: string): Promise<ResolvedImagePolicy | undefined> {
    return this.records.get(key);
  }

  put(key: string, policy: ResolvedImagePolicy): Promise<void> {
    return this.records.put(key, policy, this.ttlMs);
  }
}
