import { equalsAny, hmacSha256Hex } from './constant-time.js';
import { type ActiveSecrets, rejected, VERIFIED, type VerificationResult } from './verification-result.js';

/**
 * Shared core of the "hex HMAC-SHA256 of the raw body in a header" schemes (GitHub, Bitbucket,
 * Gitea). `prefix` is the algorithm tag the provider puts in front of the digest (`sha256=`), or
 * empty when it sends the bare digest.
 */
export function verifyHexHmac(
  headerValue: string | undefined,
  prefix: string,
  rawBody: Uint8Array,
  secrets: ActiveSecrets,
  signedParts: readonly (string | Uint8Array)[] = [rawBody],
): VerificationResult {
  if (headerValue === undefined || headerValue.trim() === '') return rejected('missing');
  const value = headerValue.trim();
  // The prefix names the algorithm; anything else (sha1=, a bare digest where a prefix is due) is
  // rejected rather than downgraded. Comparing the prefix is not secret-dependent.
  if (!value.startsWith(prefix)) return rejected('mismatch');
  const received = value.slice(prefix.length).toLowerCase();
  const expected = secrets.map((secret) => hmacSha256Hex(secret, ...signedParts));
  return equalsAny(received, expected) ? VERIFIED : rejected('mismatch');
}
