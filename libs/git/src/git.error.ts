import { PortcullisError, type Disposition } from '@portcullis/errors';

/** Stable codes of every failure `@portcullis/git` raises on purpose. */
export type GitErrorCode =
  /** The repository does not exist on the provider (deleted, renamed, or hidden from our token). */
  | 'REPOSITORY_NOT_FOUND'
  /** The provider rejected the configured credentials. */
  | 'AUTH_FAILED'
  /** Network or server trouble while fetching; worth retrying. */
  | 'FETCH_FAILED'
  /** A git process ran longer than its limit and was killed. */
  | 'TIMEOUT'
  /** The pushed `after` commit cannot be fetched any more (history rewritten and collected). */
  | 'RANGE_UNAVAILABLE'
  /** Owner, name, ref or commit id failed validation; never retried. */
  | 'INVALID_INPUT'
  /** The provider host configuration is unusable (bad URL, http without opt-in). */
  | 'INVALID_CONFIG'
  /** A git process wrote more than its output bound. */
  | 'OUTPUT_LIMIT'
  /** A local git command failed unexpectedly (disk, corrupt mirror). */
  | 'GIT_FAILED';

const DISPOSITIONS: Record<GitErrorCode, Disposition> = {
  REPOSITORY_NOT_FOUND: 'permanent',
  AUTH_FAILED: 'permanent',
  FETCH_FAILED: 'retry',
  TIMEOUT: 'retry',
  RANGE_UNAVAILABLE: 'permanent',
  INVALID_INPUT: 'permanent',
  INVALID_CONFIG: 'permanent',
  OUTPUT_LIMIT: 'permanent',
  GIT_FAILED: 'retry',
};

/**
 * Failure of a git operation. `message` is for logs and is always scrubbed of credentials;
 * `disposition` follows from the code (not found / auth → permanent, network / timeout → retry).
 */
export class GitError extends PortcullisError<GitErrorCode> {
  constructor(code: GitErrorCode, message: string, cause?: unknown) {
    super({ code, message, disposition: DISPOSITIONS[code], cause });
  }
}
