import { RedisRecordStore, type StateClient } from '@portcullis/state';
import { type SbomStore, type StoredSbom } from '../scan/scan-image.ports.js';

/**
 * SBOMs of scanned images by `scan-sbom:<digest>:<platform>`: what a new database is matched
 * against without a pull. A few thousand packages are a few hundred KiB of JSON.
 */
export class RedisSbomStore implements SbomStore {
  private readonly records: RedisRecordStore<StoredSbom>;

  constructor(
    client: StateClient,
    private readonly ttlMs: number,
    maxBytes = 8 * 1024 * 1024,
  ) {
    this.records = new RedisRecordStore<StoredSbom>(client, { namespace: 'scan-sbom', maxBytes });
  }

  get(key: { readonly digest: string; readonly platform: string }): Promise<StoredSbom | undefined> {
    return this.records.get(`${key.digest}:${key.platform}`);
  }

  put(key: { readonly digest: string; readonly platform: string }, sbom: StoredSbom): Promise<void> {
    return this.records.put(`${key.digest}:${key.platform}`, sbom, this.ttlMs);
  }
}
