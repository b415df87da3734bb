import { PortcullisError, reasonOf } from '@portcullis/errors';

/** Failures the scan itself raises (the engines raise RegistryError, SbomError, VulnDbError). */
export type ScanErrorCode =
  /** The image's layers add up to more than the scanner accepts (compressed, from the manifest). */
  | 'IMAGE_TOO_LARGE'
  /** The scan ran past its time budget; retried (cached layers make the next attempt shorter). */
  | 'SCAN_TIMEOUT';

export class ScanError extends PortcullisError<ScanErrorCode> {
  constructor(code: ScanErrorCode, message: string, options: { cause?: unknown } = {}) {
    super({
      code,
      message,
      disposition: code === 'SCAN_TIMEOUT' ? 'retry' : 'permanent',
      publicMessage: code === 'IMAGE_TOO_LARGE' ? 'The image exceeds the size limit of the scanner.' : 'The scan took too long.',
      cause: options.cause,
    });
  }
}

/**
 * What `scan.failed` says about an error: its stable code, and the log message of our own errors
 * (they name registry, repository and digest, never a credential — see libs/registry). Anything
 * else is reduced to one bounded line.
 */
export function failureOf(error: unknown): { code: string; message: string } {
  if (error instanceof PortcullisError) {
    const code = /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(error.code) ? error.code : 'SCAN_FAILED';
    return { code, message: `${error.publicMessage} ${error.message}`.slice(0, 1000) };
  }
  return { code: 'SCAN_FAILED', message: `The scan failed: ${reasonOf(error, 900)}` };
}
