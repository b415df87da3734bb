import { PortcullisError } from '@portcullis/errors';

/**
 * Why an image's SBOM could not be extracted. Every code is permanent: the same layer bytes fail
 * the same way, so the worker records a failed scan with the reason and moves on. (An error thrown
 * by the caller's own stream — a dropped registry connection — is passed through untouched and
 * keeps its own disposition.)
 */
export type SbomErrorCode =
  /** The layer ended in the middle of a tar entry or of its compressed stream. */
  | 'TRUNCATED_LAYER'
  /** The bytes are not a tar archive (or not valid gzip/zstd data). */
  | 'INVALID_LAYER'
  /** The uncompressed layer exceeds `maxLayerBytes` or `maxEntries` (bomb-like expansion). */
  | 'LAYER_TOO_LARGE'
  /** A tar entry name or hard-link target has a `..` component or is absolute, or a symlink escapes the root. */
  | 'UNSAFE_ENTRY'
  /** A layer media type this engine cannot read (e.g. a foreign or encrypted layer). */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** The caller passed something unusable (an empty digest, a bad option). */
  | 'INVALID_INPUT';

export class SbomError extends PortcullisError<SbomErrorCode> {
  constructor(code: SbomErrorCode, message: string, cause?: unknown) {
    super({ code, message, disposition: 'permanent', publicMessage: message, cause });
  }
}
