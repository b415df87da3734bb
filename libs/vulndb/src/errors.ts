import { PortcullisError, type Disposition } from '@portcullis/errors';

/** Why a whole import failed. A single bad record never fails an import; it becomes a `RecordIssue`. */
export type VulnDbErrorCode =
  /** The zip is not a readable zip archive (corrupt, truncated, wrong format). */
  | 'INVALID_ARCHIVE'
  /** The source exceeds the import limits (entries, total bytes, files). */
  | 'SOURCE_TOO_LARGE'
  /** The directory could not be read (missing, permissions, I/O error). */
  | 'SOURCE_UNREADABLE';

const DISPOSITION: Record<VulnDbErrorCode, Disposition> = {
  INVALID_ARCHIVE: 'permanent',
  SOURCE_TOO_LARGE: 'permanent',
  // A directory being replaced by a sync job may be briefly unreadable.
  SOURCE_UNREADABLE: 'retry',
};

/** An import that could not produce a database. The previous database stays in use. */
export class VulnDbError extends PortcullisError<VulnDbErrorCode> {
  constructor(code: VulnDbErrorCode, message: string, cause?: unknown) {
    super({ code, message, disposition: DISPOSITION[code], publicMessage: 'The vulnerability database could not be imported.', cause });
  }
}
