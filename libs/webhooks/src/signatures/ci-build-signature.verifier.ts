import { headerValue } from '../http/headers.js';
import { equalsAny } from './constant-time.js';
import { verifyHexHmac } from './hmac-header.js';
import { type SignedRequest } from './signed-request.js';
import { type ActiveSecrets, rejected, VERIFIED, type VerificationResult } from './verification-result.js';

/** Header names of the `POST /v1/builds` HMAC scheme. */
export const CI_SIGNATURE_HEADER = 'x-portcullis-signature';
export const CI_TIMESTAMP_HEADER = 'x-portcullis-timestamp';

/** Default replay window either side of now: long enough for clock skew, short enough to make a captured request useless. */
export const DEFAULT_CI_TOLERANCE_SECONDS = 300;

export interface CiBuildCredentials {
  /** HMAC secrets of this CI source (old and new during a rotation). */
  readonly hmacSecrets: ActiveSecrets;
  /** Bearer tokens of this CI source, for CI systems that cannot sign. */
  readonly bearerTokens: ActiveSecrets;
}

export interface CiBuildVerifyOptions {
  /** Current time in epoch milliseconds, from the caller's clock port. */
  readonly nowMs: number;
  /** Accepted distance between `X-Portcullis-Timestamp` and now, in seconds. */
  readonly toleranceSeconds?: number;
}

/**
 * CI builds: either `X-Portcullis-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
 * with `X-Portcullis-Timestamp: <unix seconds>` inside the replay window, or
 * `Authorization: Bearer <token>`. The timestamp is inside the signed bytes, so it cannot be
 * refreshed by an attacker replaying a captured request. A request carrying a signature is judged
 * by the signature alone, so a bad signature cannot fall through to the bearer path.
 */
export function verifyCiBuild(request: SignedRequest, credentials: CiBuildCredentials, options: CiBuildVerifyOptions): VerificationResult {
  const signature = headerValue(request.headers, CI_SIGNATURE_HEADER);
  if (signature !== undefined) {
    const timestamp = headerValue(request.headers, CI_TIMESTAMP_HEADER);
    if (timestamp === undefined || timestamp === '') return rejected('missing');
    if (!/^\d{1,12}$/.test(timestamp)) return rejected('mismatch');
    const result = verifyHexHmac(signature, 'sha256=', request.rawBody, credentials.hmacSecrets, [timestamp, '.', request.rawBody]);
    if (!result.ok) return result;
    // Freshness is judged only once the timestamp is known to be authentic: `stale` then means
    // "a real request, replayed or badly delayed", which is what an operator needs to know.
    const toleranceMs = (options.toleranceSeconds ?? DEFAULT_CI_TOLERANCE_SECONDS) * 1000;
    return Math.abs(options.nowMs - Number(timestamp) * 1000) <= toleranceMs ? VERIFIED : rejected('stale');
  }
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization === undefined) return rejected('missing');
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  if (match?.[1] === undefined) return rejected('mismatch');
  return equalsAny(match[1], credentials.bearerTokens) ? VERIFIED : rejected('mismatch');
}
