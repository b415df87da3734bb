import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a value, so two inputs of any length compare as two 32-byte buffers. */
function digest(value: string | Uint8Array): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Constant-time equality of two strings or byte sequences of any length. `timingSafeEqual` needs
 * equal-length buffers and returning early on a length difference would tell an attacker the
 * length of the secret, so both sides are hashed first and the digests compared: the time taken
 * depends only on the input lengths the caller already knows, never on where they differ.
 */
export function constantTimeEqual(received: string | Uint8Array, expected: string | Uint8Array): boolean {
  return timingSafeEqual(digest(received), digest(expected));
}

/**
 * True when `received` equals any of `candidates`, comparing against every candidate (no early
 * exit), so the time does not reveal which rotating secret matched or how many there are beyond
 * their count.
 */
export function equalsAny(received: string | Uint8Array, candidates: readonly (string | Uint8Array)[]): boolean {
  let matched = false;
  for (const candidate of candidates) {
    // Bitwise OR, not `||`: every candidate is compared whatever the earlier results were.
    matched = constantTimeEqual(received, candidate) || matched;
  }
  return matched;
}

/** Lower-case hex HMAC-SHA256 of the concatenated parts, without copying the body into a new buffer. */
export function hmacSha256Hex(secret: string, ...parts: readonly (string | Uint8Array)[]): string {
  const hmac = createHmac('sha256', secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/** Lower-case hex SHA-256 of a body. */
export function sha256Hex(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}
