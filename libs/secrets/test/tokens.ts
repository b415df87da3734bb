/**
 * Test tokens built at run time from a seeded generator, so no realistic secret literal sits in
 * our sources (GitHub push protection and our own scanner would flag it).
 */
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const ALNUM = UPPER + LOWER + DIGITS;
export const HEX = '0123456789abcdef';
export const BASE64 = ALNUM + '+/';
export const BASE64URL = ALNUM + '-_';
export const BASE32 = UPPER + '234567';

/** A deterministic generator (mulberry32); each test file makes its own. */
export function tokenGenerator(seed = 0x5eed) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** `n` random characters of `alphabet`, never three equal in a row (so no placeholder-like runs). */
  const rand = (n: number, alphabet: string = ALNUM): string => {
    let out = '';
    while (out.length < n) {
      const c = alphabet[Math.floor(next() * alphabet.length)];
      if (out.length >= 2 && out[out.length - 1] === c && out[out.length - 2] === c) continue;
      out += c;
    }
    return out;
  };
  const b64 = (text: string): string => Buffer.from(text).toString('base64');
  const b64url = (text: string): string => Buffer.from(text).toString('base64url');
  return { rand, next, b64, b64url };
}

/** A 32-byte platform key for tests. */
export const TEST_KEY = Buffer.alloc(32, 7);
export const OTHER_KEY = Buffer.alloc(32, 9);
