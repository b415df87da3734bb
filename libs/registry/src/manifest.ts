import { DIGEST } from './image-reference.js';
import { CONFIG_MEDIA_TYPES, INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, MediaTypes } from './media-types.js';
import { RegistryError } from './registry.error.js';

/** An OCI content descriptor: what a blob or manifest is, by digest and size. */
export interface Descriptor {
  /** Media type of the referenced content. */
  mediaType: string;
  /** `sha256:<hex>` (or sha512) of the content. */
  digest: string;
  /** Exact size of the content in bytes. */
  size: number;
  /** For index entries: the platform the manifest is for. */
  platform?: Platform;
  /** Free-form annotations, passed through. */
  annotations?: Record<string, string>;
}

/** An OS/CPU pair, as in OCI image index entries and image configs. */
export interface Platform {
  /** e.g. `linux`, `windows`. */
  os: string;
  /** GOARCH names: `amd64`, `arm64`, `arm`, `386`, `ppc64le`, `s390x`, … */
  architecture: string;
  /** CPU variant, e.g. `v7` for arm, `v8` for arm64. */
  variant?: string;
  /** e.g. `10.0.17763.1234` for Windows. */
  'os.version'?: string;
}

/** A single-platform image manifest (OCI or Docker v2 schema 2). */
export interface ImageManifest {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** A multi-platform index (OCI image index or Docker manifest list). */
export interface ImageIndex {
  kind: 'index';
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** The parts of an image config the scanner uses; the full JSON is kept in `raw`. */
export interface ImageConfig {
  os: string;
  architecture: string;
  variant?: string;
  /** Uncompressed digests of the layers, in order (`rootfs.diff_ids`). */
  diffIds: string[];
  /** The whole parsed config (env, cmd, labels, history, …). */
  raw: Record<string, unknown>;
}

/** Linux on x86-64: what `resolve` picks from an index unless told otherwise. */
export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

export interface ManifestLimits {
  /** Maximum number of layers in a manifest. */
  maxLayers: number;
  /** Maximum number of entries in an index. */
  maxIndexEntries: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function malformed(what: string, why: string): RegistryError {
  return new RegistryError('MANIFEST_INVALID', `${what}: ${why}`);
}

function parseJson(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new RegistryError('MANIFEST_INVALID', `${what}: not valid JSON`, { cause: error });
  }
  if (!isRecord(value)) throw malformed(what, 'not a JSON object');
  return value;
}

function stringRecord(v: unknown, what: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v) || Object.values(v).some((x) => typeof x !== 'string')) throw malformed(what, 'annotations must be a string map');
  return v as Record<string, string>;
}

function descriptorPlatform(v: unknown, what: string): Platform | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v) || typeof v['os'] !== 'string' || typeof v['architecture'] !== 'string') throw malformed(what, 'platform needs os and architecture');
  return {
    os: v['os'],
    architecture: v['architecture'],
    ...(typeof v['variant'] === 'string' ? { variant: v['variant'] } : {}),
    ...(typeof v['os.version'] === 'string' ? { 'os.version': v['os.version'] } : {}),
  };
}

/** Validates one descriptor: media type string, well-formed digest, non-negative safe integer size. */
export function parseDescriptor(v: unknown, what: string): Descriptor {
  if (!isRecord(v)) throw malformed(what, 'descriptor is not an object');
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== 'string' || mediaType.length === 0 || mediaType.length > 255) throw malformed(what, 'descriptor mediaType missing');
  if (typeof digest !== 'string' || !DIGEST.test(digest)) throw malformed(what, 'descriptor digest is not sha256:<hex>/sha512:<hex>');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw malformed(what, 'descriptor size is not a non-negative integer');
  const platform = descriptorPlatform(v['platform'], what);
  const annotations = stringRecord(v['annotations'], what);
  return { mediaType, digest, size, ...(platform ? { platform } : {}), ...(annotations ? { annotations } : {}) };
}

/**
 * Parses manifest bytes. The media type is the body's `mediaType` when present (it must then
 * agree with the Content-Type), else the Content-Type. Schema 1 and unknown types are refused.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined, limits: ManifestLimits, what = 'manifest'): ImageManifest | ImageIndex {
  const json = parseJson(bytes, what);
  if (json['schemaVersion'] === 1) {
    throw new RegistryError('UNSUPPORTED_MEDIA_TYPE', `${what}: Docker schema 1 manifests are not supported (deprecated, unverifiable)`);
  }
  if (json['schemaVersion'] !== 2) throw malformed(what, 'schemaVersion must be 2');
  const bodyType = json['mediaType'];
  if (bodyType !== undefined && typeof bodyType !== 'string') throw malformed(what, 'mediaType is not a string');
  if (bodyType !== undefined && contentType !== undefined && bodyType !== contentType && isKnown(contentType)) {
    throw malformed(what, `mediaType ${bodyType} disagrees with Content-Type ${contentType}`);
  }
  // OCI allows omitting mediaType; then the shape decides (manifests have config, indexes manifests)
  let mediaType = bodyType ?? (isKnown(contentType) ? contentType : undefined);
  if (mediaType === undefined) {
    if (Array.isArray(json['manifests'])) mediaType = MediaTypes.ociIndex;
    else if (isRecord(json['config'])) mediaType = MediaTypes.ociManifest;
    else throw new RegistryError('UNSUPPORTED_MEDIA_TYPE', `${what}: no media type (Content-Type ${contentType ?? 'none'})`);
  }
  const annotations = stringRecord(json['annotations'], what);
  if (INDEX_MEDIA_TYPES.includes(mediaType)) {
    const entries = json['manifests'];
    if (!Array.isArray(entries)) throw malformed(what, 'index has no manifests array');
    if (entries.length > limits.maxIndexEntries) {
      throw new RegistryError('SIZE_LIMIT', `${what}: index has ${entries.length} entries, limit ${limits.maxIndexEntries}`);
    }
    const manifests = entries.map((e, i) => parseDescriptor(e, `${what} manifests[${i}]`));
    return { kind: 'index', mediaType, manifests, ...(annotations ? { annotations } : {}) };
  }
  if (MANIFEST_MEDIA_TYPES.includes(mediaType)) {
    const config = parseDescriptor(json['config'], `${what} config`);
    const layersJson = json['layers'];
    if (!Array.isArray(layersJson)) throw malformed(what, 'manifest has no layers array');
    if (layersJson.length > limits.maxLayers) {
      throw new RegistryError('SIZE_LIMIT', `${what}: ${layersJson.length} layers, limit ${limits.maxLayers}`);
    }
    const layers = layersJson.map((l, i) => parseDescriptor(l, `${what} layers[${i}]`));
    return { kind: 'manifest', mediaType, config, layers, ...(annotations ? { annotations } : {}) };
  }
  throw new RegistryError('UNSUPPORTED_MEDIA_TYPE', `${what}: unsupported media type ${mediaType.slice(0, 100)}`);
}

function isKnown(mediaType: string | undefined): mediaType is string {
  return mediaType !== undefined && (INDEX_MEDIA_TYPES.includes(mediaType) || MANIFEST_MEDIA_TYPES.includes(mediaType));
}

/** Parses an image config blob; `os`, `architecture` and `rootfs.diff_ids` are required. */
export function parseImageConfig(bytes: Uint8Array, mediaType: string, what = 'config'): ImageConfig {
  if (!CONFIG_MEDIA_TYPES.includes(mediaType)) {
    throw new RegistryError('UNSUPPORTED_MEDIA_TYPE', `${what}: unsupported config media type ${mediaType.slice(0, 100)} (not a container image)`);
  }
  const json = parseJson(bytes, what);
  const { os, architecture, variant, rootfs } = json;
  if (typeof os !== 'string' || typeof architecture !== 'string') throw malformed(what, 'config needs os and architecture');
  if (!isRecord(rootfs) || !Array.isArray(rootfs['diff_ids'])) throw malformed(what, 'config has no rootfs.diff_ids');
  const diffIds = rootfs['diff_ids'];
  if (!diffIds.every((d): d is string => typeof d === 'string' && DIGEST.test(d))) throw malformed(what, 'rootfs.diff_ids must be digests');
  return { os, architecture, ...(typeof variant === 'string' ? { variant } : {}), diffIds, raw: json };
}

// arm64 images are often published without a variant, or with v8; treat them as one
function normalizedVariant(p: Platform): string | undefined {
  if (p.architecture === 'arm64' && (p.variant === undefined || p.variant === 'v8')) return undefined;
  return p.variant;
}

/** Whether an index entry's platform satisfies the wanted one (variant only when asked for). */
export function platformMatches(candidate: Platform, wanted: Platform): boolean {
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  if (wanted.variant !== undefined && normalizedVariant(candidate) !== normalizedVariant(wanted)) return false;
  if (wanted['os.version'] !== undefined && candidate['os.version'] !== wanted['os.version']) return false;
  return true;
}

/**
 * Picks the manifest for `wanted` from an index. Entries without a platform and attestation
 * manifests (`unknown/unknown`) are never picked. Among several matches, the first wins (the
 * order the publisher chose), as in containerd.
 */
export function selectPlatform(index: ImageIndex, wanted: Platform): Descriptor {
  const match = index.manifests.find(
    (d) => d.platform !== undefined && d.platform.os !== 'unknown' && platformMatches(d.platform, wanted),
  );
  if (!match) {
    const available = index.manifests
      .filter((d) => d.platform && d.platform.os !== 'unknown')
      .map((d) => formatPlatform(d.platform!))
      .join(', ');
    throw new RegistryError('PLATFORM_NOT_FOUND', `no manifest for ${formatPlatform(wanted)} in index (available: ${available || 'none'})`);
  }
  return match;
}

/** `linux/arm64/v8` form. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Parses `os/arch[/variant]` (e.g. from configuration). */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, ...rest] = text.split('/');
  if (!os || !architecture || rest.length > 0) {
    throw new RegistryError('INVALID_CONFIG', `platform "${text.slice(0, 50)}" is not os/arch[/variant]`);
  }
  return { os, architecture, ...(variant ? { variant } : {}) };
}
