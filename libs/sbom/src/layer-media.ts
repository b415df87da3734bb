import type { Readable } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { SbomError } from './errors.js';

/** Layer media types (OCI image spec and Docker schema 2) by compression. */
const MEDIA_TYPES: Readonly<Record<string, 'none' | 'gzip' | 'zstd'>> = {
  'application/vnd.oci.image.layer.v1.tar': 'none',
  'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar': 'none',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd': 'zstd',
  'application/vnd.docker.image.rootfs.diff.tar': 'none',
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'gzip',
};

/** Whether the engine can read a layer of this media type. */
export function isSupportedLayerMediaType(mediaType: string): boolean {
  return Object.hasOwn(MEDIA_TYPES, mediaType);
}

/**
 * The uncompressed tar of a layer blob, decompressed in memory as it is read. The expansion is not
 * bounded here but by `indexLayer`'s `maxLayerBytes`: it pulls from this stream and stops it
 * (back-pressure then stalls the decompressor) the moment the count is passed.
 */
export function openLayer(mediaType: string, blob: Readable): Readable {
  const compression = MEDIA_TYPES[mediaType];
  if (!compression) {
    throw new SbomError('UNSUPPORTED_MEDIA_TYPE', `layer media type ${JSON.stringify(mediaType.slice(0, 100))} is not supported`);
  }
  if (compression === 'none') return blob;
  const decompressor = compression === 'gzip' ? createGunzip() : createZstdDecompress();
  blob.on('error', (error) => decompressor.destroy(error));
  return blob.pipe(decompressor);
}
