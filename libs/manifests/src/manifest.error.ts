import { PortcullisError, type Disposition } from '@portcullis/errors';

/** Stable codes of every failure `@portcullis/manifests` raises on purpose. */
export type ManifestErrorCode =
  /** `kustomize build` rejected the kustomization (syntax, missing file, bad patch); the same commit fails the same way. */
  | 'KUSTOMIZE_INVALID'
  /** A kustomization references a URL or remote git repository; rendering never touches the network. */
  | 'KUSTOMIZE_REMOTE_REFERENCE'
  /** The rendered output exceeded `maxOutputBytes`. */
  | 'KUSTOMIZE_OUTPUT_TOO_LARGE'
  /** `kustomize build` ran longer than `timeoutMs` (a loaded machine); worth another try. */
  | 'KUSTOMIZE_TIMEOUT'
  /** The kustomize binary is missing or cannot be started (operator setup, `tools/kustomize/build.sh`). */
  | 'KUSTOMIZE_UNAVAILABLE'
  /** Killed by a signal or a local I/O failure (temp dir, disk); worth another try. */
  | 'KUSTOMIZE_FAILED'
  /** The caller passed something unusable: an unsafe file path, conflicting images. */
  | 'INVALID_INPUT';

const DISPOSITIONS: Record<ManifestErrorCode, Disposition> = {
  KUSTOMIZE_INVALID: 'permanent',
  KUSTOMIZE_REMOTE_REFERENCE: 'permanent',
  KUSTOMIZE_OUTPUT_TOO_LARGE: 'permanent',
  KUSTOMIZE_TIMEOUT: 'retry',
  KUSTOMIZE_UNAVAILABLE: 'retry',
  KUSTOMIZE_FAILED: 'retry',
  INVALID_INPUT: 'permanent',
};

/**
 * Failure of rendering or preparing manifests. `disposition` follows from the code: a bad
 * kustomization is `permanent` (a new commit is needed), a missing binary or a timeout is `retry`.
 * Messages name files and fields, never values from the manifests.
 */
export class ManifestError extends PortcullisError<ManifestErrorCode> {
  constructor(code: ManifestErrorCode, message: string, cause?: unknown) {
    const disposition = DISPOSITIONS[code];
    super({ code, message, disposition, cause, publicMessage: disposition === 'permanent' ? message : undefined });
  }
}
