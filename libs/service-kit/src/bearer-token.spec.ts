import { describe, expect, it } from 'vitest';
import { bearerTokenMatches } from './bearer-token.js';

const token = 'auditor-token-0123456789abcdef0123456789';

describe('bearerTokenMatches', () => {
  it('accepts the configured token, scheme in any case', () => {
    expect(bearerTokenMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerTokenMatches(`bearer ${token}`, token)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['another token', 'Bearer auditor-token-0123456789abcdef0123456780'],
    ['a prefix of it', `Bearer ${token.slice(0, -1)}`],
    ['the token without scheme', token],
    ['basic auth', `Basic ${token}`],
    ['the token plus more', `Bearer ${token} extra`],
  ])('refuses %s', (_case, header) => {
    expect(bearerTokenMatches(header, token)).toBe(false);
  });
});
