import { reasonOf } from '@portcullis/errors';
import { contributionCacheKey, type LayerContribution, type LayerContributionCache } from '@portcullis/sbom';
import { RedisRecordStore, type StateClient } from '@portcullis/state';

/**
 * What each layer contributes to an SBOM, by layer digest (`sbom-layer:sbom:layer:v<format>:<digest>`),
 * shared by every instance: a base layer is pulled once for all images built on it. As the engine
 * asks, a failing cache never fails a scan: errors are logged and the layer is pulled instead.
 */
export class RedisLayerContributionCache implements LayerContributionCache {
  private readonly records: RedisRecordStore<LayerContribution>;

  constructor(
    client: StateClient,
    private readonly ttlMs: number,
    maxBytes: number,
    private readonly logger: { warn(obj: object, msg: string): void },
  ) {
    this.records = new RedisRecordStore<LayerContribution>(client, { namespace: 'sbom-layer', maxBytes });
  }

  async get(digest: string): Promise<LayerContribution | undefined> {
    try {
      return await this.records.get(contributionCacheKey(digest));
    } catch (error) {
      this.logger.warn({ layer: digest, err: reasonOf(error) }, 'layer cache read failed; pulling the layer');
      return undefined;
    }
  }

  async set(digest: string, contribution: LayerContribution): Promise<void> {
    try {
      await this.records.put(contributionCacheKey(digest), contribution, this.ttlMs);
    } catch (error) {
      this.logger.warn({ layer: digest, err: reasonOf(error) }, 'layer cache write failed');
    }
  }
}
