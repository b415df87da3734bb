// OCI and Docker images built in memory from file trees, and pushed to a registry with the plain
// Distribution API: the test images of libs/registry, the image scanner and the CLI.
// Test helper: build OCI / Docker images in memory from file trees and push them to a registry
// with the plain Distribution HTTP API. Reusable by every lib that needs images in the stack's
// registry (SBOM extraction, vulnerability matching): see libs/registry/README.md.
import { createHash } from 'node:crypto';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { pack as createPack } from 'tar-stream';

/** File content, or a file with mode, or a symlink / directory entry. */
export type FileSpec =
  | string
  | Uint8Array
  | { content: string | Uint8Array; mode?: number }
  | { symlink: string }
  | { directory: true; mode?: number };

/** A tree of `path → file`; paths are relative (`etc/os-release`). */
export type FileTree = Record<string, FileSpec>;

export type Compression = 'gzip' | 'zstd' | 'none';
export type ImageFormat = 'oci' | 'docker';

export interface LayerSpec {
  /** Files of the layer (whiteouts: name a file `.wh.<name>`). */
  files?: FileTree;
  /** Or the exact layer blob (e.g. a gzip bomb, corrupt data); `diffId` then defaults to its sha256. */
  raw?: Uint8Array;
  compression?: Compression;
  /** Overrides the media type (e.g. to test unknown layer types). */
  mediaType?: string;
}

export interface ImageSpec {
  layers: LayerSpec[];
  /** Default `oci`. */
  format?: ImageFormat;
  /** Default linux/amd64. */
  platform?: { os: string; architecture: string; variant?: string };
  /** Merged into the config's `config` section (Env, Cmd, Labels, …). */
  containerConfig?: Record<string, unknown>;
}

export interface BuiltBlob {
  digest: string;
  size: number;
  mediaType: string;
  data: Buffer;
}

export interface BuiltLayer extends BuiltBlob {
  /** sha256 of the uncompressed tar. */
  diffId: string;
}

export interface BuiltImage {
  kind: 'image';
  format: ImageFormat;
  manifest: BuiltBlob;
  config: BuiltBlob;
  layers: BuiltLayer[];
  platform: { os: string; architecture: string; variant?: string };
}

export interface BuiltIndex {
  kind: 'index';
  format: ImageFormat;
  manifest: BuiltBlob;
  images: BuiltImage[];
}

const MT = {
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: { gzip: 'application/vnd.oci.image.layer.v1.tar+gzip', zstd: 'application/vnd.oci.image.layer.v1.tar+zstd', none: 'application/vnd.oci.image.layer.v1.tar' },
  },
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: {
      gzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      zstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
      none: 'application/vnd.docker.image.rootfs.diff.tar',
    },
  },
} as const;

export const sha256 = (data: Uint8Array): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

function blob(data: Buffer, mediaType: string): BuiltBlob {
  return { digest: sha256(data), size: data.length, mediaType, data };
}

const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

/** A reproducible tar of `files` (sorted names, fixed mtime, uid/gid 0), parent directories included. */
export async function tarOf(files: FileTree): Promise<Buffer> {
  const pack = createPack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const dirs = new Set<string>();
  for (const path of Object.keys(files)) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const names = [...new Set([...dirs, ...Object.keys(files)])].sort();
  const base = { mtime: FIXED_MTIME, uid: 0, gid: 0, uname: 'root', gname: 'root' };
  for (const name of names) {
    const spec = files[name];
    if (spec === undefined || (typeof spec === 'object' && 'directory' in spec)) {
      pack.entry({ ...base, name: `${name}/`, type: 'directory', mode: spec && 'mode' in spec && spec.mode !== undefined ? spec.mode : 0o755 });
    } else if (typeof spec === 'object' && 'symlink' in spec) {
      pack.entry({ ...base, name, type: 'symlink', linkname: spec.symlink, mode: 0o777 });
    } else {
      const isFile = typeof spec === 'string' || spec instanceof Uint8Array;
      const content = isFile ? spec : spec.content;
      const mode = isFile ? 0o644 : (spec.mode ?? 0o644);
      pack.entry({ ...base, name, type: 'file', mode }, Buffer.from(content));
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function compress(data: Buffer, compression: Compression): Buffer {
  if (compression === 'gzip') return gzipSync(data);
  if (compression === 'zstd') return zstdCompressSync(data);
  return data;
}

/** Builds one single-platform image (manifest + config + layers) in memory. */
export async function buildImage(spec: ImageSpec): Promise<BuiltImage> {
  const format = spec.format ?? 'oci';
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const layers: BuiltLayer[] = [];
  for (const layer of spec.layers) {
    const compression = layer.compression ?? 'gzip';
    const mediaType = layer.mediaType ?? MT[format].layer[compression];
    if (layer.raw) {
      const data = Buffer.from(layer.raw);
      layers.push({ ...blob(data, mediaType), diffId: sha256(data) });
      continue;
    }
    const tar = await tarOf(layer.files ?? {});
    layers.push({ ...blob(compress(tar, compression), mediaType), diffId: sha256(tar) });
  }
  const configJson = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    created: FIXED_MTIME.toISOString(),
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ...spec.containerConfig },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map(() => ({ created: FIXED_MTIME.toISOString(), created_by: 'portcullis test' })),
  };
  const config = blob(Buffer.from(JSON.stringify(configJson)), MT[format].config);
  const manifestJson = {
    schemaVersion: 2,
    mediaType: MT[format].manifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const manifest = blob(Buffer.from(JSON.stringify(manifestJson)), MT[format].manifest);
  return { kind: 'image', format, manifest, config, layers, platform };
}

/** Builds a multi-platform index (OCI index or Docker manifest list) over `images`. */
export function buildIndex(images: BuiltImage[], format: ImageFormat = 'oci', extraEntries: object[] = []): BuiltIndex {
  const indexJson = {
    schemaVersion: 2,
    mediaType: MT[format].index,
    manifests: [
      ...images.map((i) => ({ mediaType: i.manifest.mediaType, digest: i.manifest.digest, size: i.manifest.size, platform: i.platform })),
      ...extraEntries,
    ],
  };
  return { kind: 'index', format, manifest: blob(Buffer.from(JSON.stringify(indexJson)), MT[format].index), images };
}

export interface PushOptions {
  /** e.g. `Basic …` for a registry that needs auth (the stack's anonymous registry needs none). */
  authorization?: string;
}

async function check(res: Response, what: string, expected: number[]): Promise<void> {
  if (!expected.includes(res.status)) {
    throw new Error(`push: ${what} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
}

/** Uploads one blob (monolithic POST + PUT) unless the registry has it already. */
export async function pushBlob(registryUrl: string, repository: string, data: Uint8Array, options: PushOptions = {}): Promise<string> {
  const digest = sha256(data);
  const auth: Record<string, string> = options.authorization ? { authorization: options.authorization } : {};
  const head = await fetch(`${registryUrl}/v2/${repository}/blobs/${digest}`, { method: 'HEAD', headers: auth });
  if (head.status === 200) return digest;
  const start = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: auth });
  await check(start, `start upload to ${repository}`, [202]);
  const location = new URL(start.headers.get('location') ?? '', registryUrl);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: Buffer.from(data) });
  await check(put, `upload ${digest}`, [201]);
  return digest;
}

/** PUTs a manifest or index under `reference` (a tag or its digest). */
export async function pushManifest(registryUrl: string, repository: string, reference: string, manifest: BuiltBlob, options: PushOptions = {}): Promise<void> {
  const res = await fetch(`${registryUrl}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { ...(options.authorization ? { authorization: options.authorization } : {}), 'content-type': manifest.mediaType },
    body: manifest.data,
  });
  await check(res, `manifest ${repository}:${reference}`, [201]);
}

/**
 * Pushes an image or index (all its blobs and child manifests) and tags it. Returns the digest
 * of the top manifest, i.e. what `repository@digest` resolves.
 */
export async function pushImage(registryUrl: string, repository: string, tag: string, built: BuiltImage | BuiltIndex, options: PushOptions = {}): Promise<string> {
  const images = built.kind === 'index' ? built.images : [built];
  for (const image of images) {
    for (const layer of image.layers) await pushBlob(registryUrl, repository, layer.data, options);
    await pushBlob(registryUrl, repository, image.config.data, options);
    if (built.kind === 'index') await pushManifest(registryUrl, repository, image.manifest.digest, image.manifest, options);
  }
  await pushManifest(registryUrl, repository, tag, built.manifest, options);
  return built.manifest.digest;
}

/** The stack's registry addresses (from `tools/stack/stack up`), failing loudly when it is not up. */
export interface RegistryStackEnv {
  url: string;
  basicUrl: string;
  bearerUrl: string;
  user: string;
  password: string;
  /** Storage root shared by the three registries (for corrupting blobs on purpose). */
  root: string;
}

export function registryStackEnv(env: Record<string, string | undefined> = process.env): RegistryStackEnv {
  const names = ['REGISTRY_URL', 'REGISTRY_BASIC_URL', 'REGISTRY_BEARER_URL', 'REGISTRY_USER', 'REGISTRY_PASSWORD', 'REGISTRY_ROOT'];
  const missing = names.filter((n) => !env[n]);
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} not set: run \`tools/stack/stack up\` (or --only registry) and \`set -a; . .stack/env; set +a\``);
  }
  return {
    url: env['REGISTRY_URL']!,
    basicUrl: env['REGISTRY_BASIC_URL']!,
    bearerUrl: env['REGISTRY_BEARER_URL']!,
    user: env['REGISTRY_USER']!,
    password: env['REGISTRY_PASSWORD']!,
    root: env['REGISTRY_ROOT']!,
  };
}

/** Registry name (`host:port`) of a registry URL, as used in image references and `RegistryConfig.registry`. */
export function registryHost(url: string): string {
  return new URL(url).host;
}

/** Where distribution's filesystem driver keeps a blob's bytes under the storage root. */
export function blobPath(root: string, digest: string): string {
  const hex = digest.split(':')[1]!;
  return `${root}/docker/registry/v2/blobs/sha256/${hex.slice(0, 2)}/${hex}/data`;
}
