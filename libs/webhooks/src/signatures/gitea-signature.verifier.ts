import { headerValue } from '../http/headers.js';
import { verifyHexHmac } from './hmac-header.js';
import { type SignedRequest } from './signed-request.js';
import { type ActiveSecrets, type VerificationResult } from './verification-result.js';

/**
 * Gitea and Forgejo: the bare hex HMAC-SHA256 of the body, in `X-Gitea-Signature` (Gitea) or
 * `X-Forgejo-Signature` (Forgejo, which also still sends the Gitea header). The deprecated
 * `secret` field in the payload body is never used for authentication.
 */
export function verifyGiteaSignature(request: SignedRequest, secrets: ActiveSecrets): VerificationResult {
  const signature = headerValue(request.headers, 'x-forgejo-signature') ?? headerValue(request.headers, 'x-gitea-signature');
  return verifyHexHmac(signature, '', request.rawBody, secrets);
}
