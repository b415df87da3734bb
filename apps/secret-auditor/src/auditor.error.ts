import { PortcullisError, type Disposition } from '@portcullis/errors';

/** Why a secret-auditor operation failed; the HTTP edge maps each code to a status. */
export type AuditorErrorCode =
  /** Full-history sweeps cannot be queued until their contract exists (HTTP 501). */
  'SWEEP_UNAVAILABLE';

export class AuditorError extends PortcullisError<AuditorErrorCode> {
  constructor(code: AuditorErrorCode, message: string, disposition: Disposition, publicMessage?: string) {
    super({ code, message, disposition, ...(publicMessage === undefined ? {} : { publicMessage }) });
  }
}
