import { createHmac } from 'node:crypto';

/** Signs like the providers do, for tests: lower-case hex HMAC-SHA256 of the concatenated parts. */
export function hmacHex(secret: string, ...parts: readonly (string | Uint8Array)[]): string {
  const hmac = createHmac('sha256', secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}
