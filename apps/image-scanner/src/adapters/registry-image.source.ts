import { formatPlatform, parsePlatform, type RegistryClient } from '@portcullis/registry';
import { type RedisTokenBucket, type TokenBucketLimit } from '@portcullis/state';
import { type Readable } from 'node:stream';
import { type ImageLayer, type ImageSource, type ResolvedImageLayers } from '../scan/scan-image.ports.js';

/** Counts what a scan pulls, per registry. */
export interface PullMetrics {
  layerPulled(registry: string, compressedBytes: number): void;
}

/**
 * The image source of the scan: libs/registry's client behind the registry's shared token bucket.
 * Each registry request group (a resolve; a layer) takes one token of `registry:<name>`, so all
 * instances together stay within what the registry tolerates; a bucket that stays empty past
 * `waitMs` re-schedules the event (RATE_LIMITED, not-ready) instead of holding a consumer slot.
 */
export class RegistryImageSource implements ImageSource {
  constructor(
    private readonly client: Pick<RegistryClient, 'resolve' | 'openLayer'>,
    private readonly bucket: Pick<RedisTokenBucket, 'waitForToken'>,
    private readonly budget: { readonly limit: TokenBucketLimit; readonly waitMs: number },
    private readonly metrics: PullMetrics,
  ) {}

  async resolve(image: { registry: string; repository: string; digest: string }, platform: string): Promise<ResolvedImageLayers> {
    await this.token(image.registry);
    const resolved = await this.client.resolve(`${image.registry}/${image.repository}@${image.digest}`, { platform: parsePlatform(platform) });
    return {
      manifestDigest: resolved.digest,
      platform: formatPlatform(resolved.platform),
      layers: resolved.manifest.layers.map((layer, i) => ({ digest: layer.digest, size: layer.size, mediaType: layer.mediaType, diffId: resolved.config.diffIds[i]! })),
    };
  }

  async openLayer(image: { registry: string; repository: string }, layer: ImageLayer): Promise<Readable> {
    await this.token(image.registry);
    const stream = await this.client.openLayer(`${image.registry}/${image.repository}@${layer.digest}`, { digest: layer.digest, size: layer.size, mediaType: layer.mediaType }, { diffId: layer.diffId });
    this.metrics.layerPulled(image.registry, layer.size);
    return stream;
  }

  private async token(registry: string): Promise<void> {
    await this.bucket.waitForToken(`registry:${registry}`, this.budget.limit, { timeoutMs: this.budget.waitMs });
  }
}
