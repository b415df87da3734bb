import {
  DEFAULT_REGISTRY_LIMITS,
  formatPlatform,
  layerCompression,
  parseImageConfig,
  parseManifest,
  platformMatches,
  RegistryError,
  selectPlatform,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  type Platform,
} from '@portcullis/registry';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageSourceUsageError, type ImageSource } from './image-source.js';
import { decompressed, isDigest, readRange, verifyRange, type FileRange } from './local-blob.js';

const REF_NAME = 'org.opencontainers.image.ref.name';

/**
 * An OCI image layout directory (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`), e.g. from
 * `skopeo copy … oci:dir` or `docker buildx build --output type=oci,tar=false`. Every blob is
 * checked against its descriptor (size and digest) before it is parsed or indexed.
 */
export async function openOciLayout(dir: string, refName: string | undefined, platform: Platform, platformExplicit: boolean): Promise<ImageSource> {
  const layoutFile = await readFile(join(dir, 'oci-layout'), 'utf8').catch(() => undefined);
  if (layoutFile !== undefined) {
    let version: unknown;
    try {
      version = (JSON.parse(layoutFile) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
    } catch {
      version = undefined;
    }
    if (typeof version !== 'string' || !version.startsWith('1.')) {
      throw new RegistryError('MANIFEST_INVALID', `${dir}/oci-layout: imageLayoutVersion is not 1.x`);
    }
  }
  const indexBytes = await readFile(join(dir, 'index.json')).catch((error: unknown) => {
    throw new RegistryError('NOT_FOUND', `${dir}/index.json cannot be read`, { cause: error });
  });
  const top = parseManifest(indexBytes, undefined, DEFAULT_REGISTRY_LIMITS, `${dir}/index.json`);
  if (top.kind !== 'index') throw new RegistryError('MANIFEST_INVALID', `${dir}/index.json is not an image index`);
  const blobs = new LayoutBlobs(dir);

  const chosen = chooseEntry(top, dir, refName, platform);
  let fetched = await blobs.manifest(chosen);
  let digest = chosen.digest;
  for (let depth = 0; fetched.kind === 'index'; depth++) {
    if (depth >= 2) throw new RegistryError('MANIFEST_INVALID', `${dir}: indexes nested too deep`);
    const entry = selectPlatform(fetched, platform);
    fetched = await blobs.manifest(entry);
    digest = entry.digest;
  }
  const manifest: ImageManifest = fetched;
  const config = parseImageConfig(await blobs.read(manifest.config, DEFAULT_REGISTRY_LIMITS.maxConfigBytes), manifest.config.mediaType, `${dir} config ${manifest.config.digest}`);
  if (config.diffIds.length !== manifest.layers.length) {
    throw new RegistryError('MANIFEST_INVALID', `${dir} manifest ${digest}: ${manifest.layers.length} layers but ${config.diffIds.length} diff_ids in the config`);
  }
  const actual: Platform = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
  if (platformExplicit && !platformMatches(actual, platform)) {
    throw new RegistryError('PLATFORM_NOT_FOUND', `${dir}: the image is ${formatPlatform(actual)}, not ${formatPlatform(platform)}`);
  }
  return {
    kind: 'oci-layout',
    reference: refName === undefined ? dir : `${dir}:${refName}`,
    digest,
    platform: formatPlatform(actual),
    layers: manifest.layers.map((layer) => ({
      digest: layer.digest,
      size: layer.size,
      open: () => blobs.openLayer(layer),
    })),
    close: async () => {},
  };
}

/** The entry of index.json to scan: by ref name, the only one, or the one for the platform. */
function chooseEntry(top: ImageIndex, dir: string, refName: string | undefined, platform: Platform): Descriptor {
  const named = (d: Descriptor) => d.annotations?.[REF_NAME];
  const candidates = refName === undefined ? top.manifests : top.manifests.filter((d) => named(d) === refName);
  const names = [...new Set(top.manifests.map(named).filter((n): n is string => n !== undefined))];
  if (candidates.length === 0) {
    if (refName !== undefined) {
      throw new ImageSourceUsageError(`${dir} has no image named ${refName}${names.length ? ` (it has: ${names.join(', ')})` : ''}`);
    }
    throw new RegistryError('NOT_FOUND', `${dir}/index.json lists no images`);
  }
  if (candidates.length === 1) return candidates[0]!;
  // Several entries: a platform list (as in a multi-arch layout) or several tagged images.
  if (candidates.every((d) => d.platform !== undefined)) return selectPlatform({ ...top, manifests: candidates }, platform);
  throw new ImageSourceUsageError(`${dir} holds ${candidates.length} images; name one as ${dir}:<ref name>${names.length ? ` (${names.join(', ')})` : ''}`);
}

class LayoutBlobs {
  constructor(private readonly dir: string) {}

  private async rangeOf(descriptor: Descriptor): Promise<FileRange> {
    if (!isDigest(descriptor.digest)) throw new RegistryError('MANIFEST_INVALID', `${this.dir}: bad digest ${descriptor.digest.slice(0, 80)}`);
    const [algorithm, hex] = descriptor.digest.split(':') as [string, string];
    const path = join(this.dir, 'blobs', algorithm, hex);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw new RegistryError('NOT_FOUND', `${this.dir}: blob ${descriptor.digest} is missing`);
    return { path, start: 0, length: info.size };
  }

  /** A small blob (manifest, config), verified, in memory. */
  async read(descriptor: Descriptor, max: number): Promise<Buffer> {
    const range = await this.rangeOf(descriptor);
    const what = `${this.dir}: blob ${descriptor.digest}`;
    if (descriptor.size > max) throw new RegistryError('SIZE_LIMIT', `${what}: ${descriptor.size} bytes, limit ${max}`);
    await verifyRange(range, descriptor.digest, descriptor.size, what);
    return readRange(range, max, what);
  }

  async manifest(descriptor: Descriptor): Promise<ImageManifest | ImageIndex> {
    const bytes = await this.read(descriptor, DEFAULT_REGISTRY_LIMITS.maxManifestBytes);
    const parsed = parseManifest(bytes, descriptor.mediaType, DEFAULT_REGISTRY_LIMITS, `${this.dir} manifest ${descriptor.digest}`);
    return parsed;
  }

  /** The layer's tar: the blob is hashed first, then streamed through the decompressor. */
  async openLayer(layer: Descriptor) {
    const what = `${this.dir}: layer ${layer.digest}`;
    const compression = layerCompression(layer.mediaType);
    if (compression === undefined) throw new RegistryError('UNSUPPORTED_MEDIA_TYPE', `${what}: unsupported layer media type ${layer.mediaType.slice(0, 100)}`);
    const range = await this.rangeOf(layer);
    await verifyRange(range, layer.digest, layer.size, what);
    return decompressed(range, compression, what);
  }
}
