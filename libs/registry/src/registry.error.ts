import { PortcullisError, type Disposition } from '@portcullis/errors';

/** Stable codes of every failure `@portcullis/registry` raises on purpose. */
export type RegistryErrorCode =
  /** The image reference is not a valid `[registry/]repository[:tag][@digest]`. */
  | 'INVALID_REFERENCE'
  /** The reference names a registry that is not configured (and unconfigured access is off). */
  | 'REGISTRY_NOT_CONFIGURED'
  /** A `RegistryConfig` is unusable (bad URL, plain http without `insecure`, bad CA). */
  | 'INVALID_CONFIG'
  /** The registry or its token service rejected us (401/403, no or wrong credentials). */
  | 'AUTH_FAILED'
  /** Repository, tag, manifest or blob does not exist. */
  | 'NOT_FOUND'
  /** A manifest, index or config is not valid JSON of the expected shape. */
  | 'MANIFEST_INVALID'
  /** A manifest, config or layer media type we do not handle (incl. schema 1, foreign layers). */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** An index has no manifest for the requested platform. */
  | 'PLATFORM_NOT_FOUND'
  /** Content does not hash to the digest (or size) that names it. */
  | 'DIGEST_MISMATCH'
  /** A bound was hit: manifest/config/blob size, layer count, decompressed size. */
  | 'SIZE_LIMIT'
  /** A compressed layer is truncated or not valid gzip/zstd/tar data. */
  | 'LAYER_CORRUPT'
  /** A redirect went too far, to a refused scheme, or had no Location. */
  | 'REDIRECT_REFUSED'
  /** Another 4xx from the registry (bad name, method not allowed): retrying will not help. */
  | 'REQUEST_REJECTED'
  /** 429 from the registry; `retryAfterMs` carries its Retry-After. */
  | 'RATE_LIMITED'
  /** 5xx or an unexpected status from the registry. */
  | 'REGISTRY_UNAVAILABLE'
  /** Connection refused/reset, DNS, TLS handshake trouble. */
  | 'NETWORK'
  /** A request or a stalled body exceeded its time limit. */
  | 'TIMEOUT';

const DISPOSITIONS: Record<RegistryErrorCode, Disposition> = {
  INVALID_REFERENCE: 'permanent',
  REGISTRY_NOT_CONFIGURED: 'permanent',
  INVALID_CONFIG: 'permanent',
  AUTH_FAILED: 'permanent',
  NOT_FOUND: 'permanent',
  MANIFEST_INVALID: 'permanent',
  UNSUPPORTED_MEDIA_TYPE: 'permanent',
  PLATFORM_NOT_FOUND: 'permanent',
  DIGEST_MISMATCH: 'permanent',
  SIZE_LIMIT: 'permanent',
  LAYER_CORRUPT: 'permanent',
  REDIRECT_REFUSED: 'permanent',
  REQUEST_REJECTED: 'permanent',
  RATE_LIMITED: 'retry',
  REGISTRY_UNAVAILABLE: 'retry',
  NETWORK: 'retry',
  TIMEOUT: 'retry',
};

const PUBLIC_MESSAGES: Partial<Record<RegistryErrorCode, string>> = {
  INVALID_REFERENCE: 'The image reference is not valid.',
  REGISTRY_NOT_CONFIGURED: 'The image registry is not configured for scanning.',
  AUTH_FAILED: 'The image registry refused access to the image.',
  NOT_FOUND: 'The image was not found in the registry.',
  MANIFEST_INVALID: 'The image manifest is malformed.',
  UNSUPPORTED_MEDIA_TYPE: 'The image uses an unsupported format.',
  PLATFORM_NOT_FOUND: 'The image has no variant for the requested platform.',
  DIGEST_MISMATCH: 'Image content did not match its digest.',
  SIZE_LIMIT: 'The image exceeds a size limit of the scanner.',
  LAYER_CORRUPT: 'An image layer is corrupt.',
};

/**
 * Failure of a registry operation. `message` is for logs: it names registry, repository and
 * digest but never a credential or token. `disposition` follows from the code (auth, not found,
 * malformed, digest mismatch, limits → permanent; 429, 5xx, network, timeouts → retry).
 */
export class RegistryError extends PortcullisError<RegistryErrorCode> {
  constructor(code: RegistryErrorCode, message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super({
      code,
      message,
      disposition: DISPOSITIONS[code],
      publicMessage: PUBLIC_MESSAGES[code],
      retryAfterMs: options.retryAfterMs,
      cause: options.cause,
    });
  }
}

/** Disposition of a registry error code, for callers that map codes without an instance. */
export function registryDisposition(code: RegistryErrorCode): Disposition {
  return DISPOSITIONS[code];
}
