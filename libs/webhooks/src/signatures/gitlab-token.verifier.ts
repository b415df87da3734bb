import { headerValue } from '../http/headers.js';
import { equalsAny } from './constant-time.js';
import { type SignedRequest } from './signed-request.js';
import { type ActiveSecrets, rejected, VERIFIED, type VerificationResult } from './verification-result.js';

/**
 * GitLab: `X-Gitlab-Token: <secret>`, the configured secret token in clear (it signs nothing, so
 * only TLS protects the body). Compared in constant time against every active token.
 *
 * GitLab's HMAC signing token (Standard Webhooks `webhook-signature: v1,<base64>` over
 * `{webhook-id}.{timestamp}.{body}`, gitlab-org/gitlab!230944) is behind the
 * `webhook_signing_token` feature flag and not in the published webhook docs yet, so it is not
 * implemented here.
 */
export function verifyGitlabToken(request: SignedRequest, tokens: ActiveSecrets): VerificationResult {
  const received = headerValue(request.headers, 'x-gitlab-token');
  if (received === undefined || received === '') return rejected('missing');
  return equalsAny(received, tokens) ? VERIFIED : rejected('mismatch');
}
