import { type ImageTestReport } from '@portcullis/image-tests';
import { RedisRecordStore, type StateClient } from '@portcullis/state';
import { type ImageTestKey, type ImageTestResultCache } from '../scan/scan-image.ports.js';

/**
 * Complete image test reports by `image-tests:<digest>:<platform>:<spec hash>`. A changed
 * `imageTests:` section has another hash and misses by construction. Reports are small: at most
 * a few hundred results of a bounded reason each.
 */
export class RedisImageTestResultCache implements ImageTestResultCache {
  private readonly records: RedisRecordStore<ImageTestReport>;

  constructor(
    client: StateClient,
    private readonly ttlMs: number,
  ) {
    this.records = new RedisRecordStore<ImageTestReport>(client, { namespace: 'image-tests', maxBytes: 512 * 1024 });
  }

  get(key: ImageTestKey): Promise<ImageTestReport | undefined> {
    return this.records.get(keyOf(key));
  }

  put(key: ImageTestKey, report: ImageTestReport): Promise<void> {
    return this.records.put(keyOf(key), report, this.ttlMs);
  }
}

function keyOf(key: ImageTestKey): string {
  return `${key.digest}:${key.platform}:${key.specHash}`;
}
