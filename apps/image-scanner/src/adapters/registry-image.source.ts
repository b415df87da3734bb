import { type ImageConfig } from '@portcullis/image-tests';
import { formatPlatform, parsePlatform, type RegistryClient } from '@portcullis/registry';
import { type RedisTokenBucket, type TokenBucketLimit } from '@portcullis/state';
import { type Readable } from 'node:stream';
import { type ImageLayer, type ImageSource, type ResolvedImageLayers } from '../scan/scan-image.ports.js';
import { type ImageConfigText } from '../secrets/image-secrets.js';

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
      config: configTextOf(resolved.config.raw),
      imageConfig: imageConfigOf(resolved.config.raw),
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

/**
 * `config.Env` and `history[].created_by` of an image config, as the secret scan reads them. The
 * config is the image author's JSON: anything not of the expected shape is left out (an entry that
 * is not a string is no text to scan), never an error.
 */
export function configTextOf(raw: Record<string, unknown>): ImageConfigText {
  const container = raw['config'];
  const envValue = typeof container === 'object' && container !== null ? (container as Record<string, unknown>)['Env'] : undefined;
  const env = Array.isArray(envValue) ? envValue.filter((e): e is string => typeof e === 'string') : [];
  const historyValue = raw['history'];
  const history = Array.isArray(historyValue)
    ? historyValue.map((step) => {
        const record = typeof step === 'object' && step !== null ? (step as Record<string, unknown>) : {};
        const createdBy = record['created_by'];
        return { createdBy: typeof createdBy === 'string' ? createdBy : '', emptyLayer: record['empty_layer'] === true };
      })
    : [];
  return { env, history };
}

/**
 * The fields of an image config the image tests' metadata checks read, each kept only when it has
 * the type the image spec gives it: the config is the image author's JSON, and a field of another
 * shape is as good as absent (a check on it then fails or passes as for an unset field).
 */
export function imageConfigOf(raw: Record<string, unknown>): ImageConfig {
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const texts = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined);
  const record = (value: unknown): Record<string, unknown> | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);
  const c = record(raw['config']) ?? {};
  const labels = record(c['Labels']);
  const config = {
    User: text(c['User']),
    Env: texts(c['Env']),
    Entrypoint: texts(c['Entrypoint']),
    Cmd: texts(c['Cmd']),
    WorkingDir: text(c['WorkingDir']),
    ExposedPorts: record(c['ExposedPorts']),
    Labels: labels ? Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string')) : undefined,
  };
  return {
    ...defined({ architecture: text(raw['architecture']), os: text(raw['os']), variant: text(raw['variant']) }),
    config: defined(config),
  };
}

/** The object without its `undefined` properties (exactOptionalPropertyTypes). */
function defined<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
