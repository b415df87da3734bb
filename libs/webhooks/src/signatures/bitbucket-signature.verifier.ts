import { headerValue } from '../http/headers.js';
import { verifyHexHmac } from './hmac-header.js';
import { type SignedRequest } from './signed-request.js';
import { type ActiveSecrets, type VerificationResult } from './verification-result.js';

/**
 * Bitbucket Cloud: `X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body)>` (webhook secrets,
 * https://bitbucket.org/blog/enhanced-webhook-security). Note the header name is GitHub's SHA-1
 * one, but the algorithm is SHA-256, as the prefix says.
 */
export function verifyBitbucketCloudSignature(request: SignedRequest, secrets: ActiveSecrets): VerificationResult {
  return verifyHexHmac(headerValue(request.headers, 'x-hub-signature'), 'sha256=', request.rawBody, secrets);
}

/**
 * Bitbucket Data Center: the same header and format, HMAC-SHA256 by default
 * (https://confluence.atlassian.com/bitbucketserver/event-payload-938025882.html, "Securing your
 * webhook"). Data Center lets an admin pick another HMAC algorithm; only `sha256=` is accepted.
 */
export function verifyBitbucketDataCenterSignature(request: SignedRequest, secrets: ActiveSecrets): VerificationResult {
  return verifyHexHmac(headerValue(request.headers, 'x-hub-signature'), 'sha256=', request.rawBody, secrets);
}
