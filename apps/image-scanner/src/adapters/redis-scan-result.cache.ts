import { RedisRecordStore, type StateClient } from '@portcullis/state';
import { type ScanKey, type ScanResultCache } from '../scan/scan-image.ports.js';
import { type CachedScan } from '../scan/scan-report.js';

/**
 * Scan results by `scan-result:<digest>:<platform>:<db version>`. A new database version misses by
 * construction, so a re-scan after an update never reuses an old verdict. Up to 1000 listed
 * vulnerabilities make a result a few hundred KiB at most.
 */
export class RedisScanResultCache implements ScanResultCache {
  private readonly records: RedisRecordStore<CachedScan>;

  constructor(
    client: StateClient,
    private readonly ttlMs: number,
  ) {
    this.records = new RedisRecordStore<CachedScan>(client, { namespace: 'scan-result', maxBytes: 2 * 1024 * 1024 });
  }

  get(key: ScanKey): Promise<CachedScan | undefined> {
    return this.records.get(keyOf(key));
  }

  put(key: ScanKey, scan: CachedScan): Promise<void> {
    return this.records.put(keyOf(key), scan, this.ttlMs);
  }
}

function keyOf(key: ScanKey): string {
  return `${key.digest}:${key.platform}:${key.dbVersion}`;
}
