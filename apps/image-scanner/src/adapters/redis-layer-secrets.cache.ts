import { reasonOf } from '@portcullis/errors';
import { RedisRecordStore, type StateClient } from '@portcullis/state';
import { type LayerSecretsCache } from '../scan/scan-image.ports.js';
import { LAYER_SECRETS_FORMAT, type LayerSecrets } from '../secrets/layer-secrets.js';

/**
 * What the secret scan found in each layer, by layer digest
 * (`secret-layer:v<format>:<digest>`), shared by every instance like the SBOM contributions. It
 * holds only redacted findings (fingerprints, masked previews) and paths. A failing cache never
 * fails a scan: errors are logged and the layer is scanned instead.
 */
export class RedisLayerSecretsCache implements LayerSecretsCache {
  private readonly records: RedisRecordStore<LayerSecrets>;

  constructor(
    client: StateClient,
    private readonly ttlMs: number,
    maxBytes: number,
    private readonly logger: { warn(obj: object, msg: string): void },
  ) {
    this.records = new RedisRecordStore<LayerSecrets>(client, { namespace: 'secret-layer', maxBytes });
  }

  async get(digest: string): Promise<LayerSecrets | undefined> {
    try {
      const found = await this.records.get(keyOf(digest));
      return found?.format === LAYER_SECRETS_FORMAT && found.digest === digest && found.complete ? found : undefined;
    } catch (error) {
      this.logger.warn({ layer: digest, err: reasonOf(error) }, 'layer secrets cache read failed; scanning the layer');
      return undefined;
    }
  }

  async set(digest: string, secrets: LayerSecrets): Promise<void> {
    try {
      await this.records.put(keyOf(digest), secrets, this.ttlMs);
    } catch (error) {
      this.logger.warn({ layer: digest, err: reasonOf(error) }, 'layer secrets cache write failed');
    }
  }
}

function keyOf(digest: string): string {
  return `v${LAYER_SECRETS_FORMAT}:${digest}`;
}
