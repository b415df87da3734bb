/** Media types the client understands. Anything else is refused with `UNSUPPORTED_MEDIA_TYPE`. */
export const MediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  dockerLayerTar: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** How a layer blob is compressed. */
export type LayerCompression = 'none' | 'gzip' | 'zstd';

const LAYER_COMPRESSION: Record<string, LayerCompression> = {
  [MediaTypes.ociLayer]: 'none',
  [MediaTypes.ociLayerGzip]: 'gzip',
  [MediaTypes.ociLayerZstd]: 'zstd',
  [MediaTypes.dockerLayerTar]: 'none',
  [MediaTypes.dockerLayerGzip]: 'gzip',
  [MediaTypes.dockerLayerZstd]: 'zstd',
};

/**
 * Compression of a layer media type, or undefined when it is not a layer we can read: foreign /
 * non-distributable layers (their bytes live at URLs chosen by the image author, which we never
 * fetch), encrypted layers, artifacts.
 */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  return LAYER_COMPRESSION[mediaType];
}

export const MANIFEST_MEDIA_TYPES: readonly string[] = [MediaTypes.ociManifest, MediaTypes.dockerManifest];
export const INDEX_MEDIA_TYPES: readonly string[] = [MediaTypes.ociIndex, MediaTypes.dockerManifestList];
export const CONFIG_MEDIA_TYPES: readonly string[] = [MediaTypes.ociConfig, MediaTypes.dockerConfig];

/** `Accept` header for manifest requests: everything we parse, so the registry does not down-convert to schema 1. */
export const MANIFEST_ACCEPT = [...INDEX_MEDIA_TYPES, ...MANIFEST_MEDIA_TYPES].join(', ');

/** The media type part of a Content-Type header (`type/sub; charset=…` → `type/sub`). */
export function baseMediaType(contentType: string | undefined): string | undefined {
  const v = contentType?.split(';')[0]?.trim().toLowerCase();
  return v ? v : undefined;
}
