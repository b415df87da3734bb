import { headerValue } from '../http/headers.js';
import { equalsAny } from './constant-time.js';
import { type SignedRequest } from './signed-request.js';
import { type ActiveSecrets, rejected, VERIFIED, type VerificationResult } from './verification-result.js';

/**
 * Harbor: the webhook policy's "Auth Header" is sent verbatim as `Authorization`; it must equal one
 * of the configured values (the whole header value, e.g. `Bearer abc…`), compared in constant time.
 */
export function verifyHarborAuthHeader(request: SignedRequest, authHeaders: ActiveSecrets): VerificationResult {
  const received = headerValue(request.headers, 'authorization');
  if (received === undefined || received === '') return rejected('missing');
  return equalsAny(received, authHeaders) ? VERIFIED : rejected('mismatch');
}
