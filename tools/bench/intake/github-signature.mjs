// The one check both bench servers (bare-server.mjs, floor-server.mjs) make: X-Hub-Signature-256
// is the HMAC-SHA256 of the raw body under the secret, compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function validGithubSignature(secret, body, header) {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = typeof header === 'string' ? Buffer.from(header) : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
