import { headerValue } from '../http/headers.js';
import { verifyHexHmac } from './hmac-header.js';
import { type SignedRequest } from './signed-request.js';
import { type ActiveSecrets, type VerificationResult } from './verification-result.js';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`. The legacy SHA-1
 * `X-Hub-Signature` is deliberately not accepted.
 */
export function verifyGithubSignature(request: SignedRequest, secrets: ActiveSecrets): VerificationResult {
  return verifyHexHmac(headerValue(request.headers, 'x-hub-signature-256'), 'sha256=', request.rawBody, secrets);
}
