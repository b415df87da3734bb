import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks an `Authorization: Bearer …` header against the configured token in constant time:
 * both sides are hashed first, so neither the content nor the length of the token leaks through
 * timing. Shared by the services' HTTP APIs (secret-auditor, image-scanner).
 */
export function bearerTokenMatches(header: string | undefined, expected: string): boolean {
  if (header === undefined) return false;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (match === null) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(match[1]!), digest(expected));
}
