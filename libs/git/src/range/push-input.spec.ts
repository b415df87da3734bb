import { describe, expect, it } from 'vitest';
import { assertBranchOrTagRef, assertOid, isZeroOid } from './push-input.js';

describe('push input validation', () => {
  it('accepts branch and tag refs git accepts', () => {
    for (const ref of ['refs/heads/main', 'refs/heads/feature/x-1', 'refs/tags/v1.2.0', 'refs/heads/ünï']) {
      expect(() => assertBranchOrTagRef(ref)).not.toThrow();
    }
  });

  it.each(['main', 'refs/pull/1/head', 'refs/heads/a..b', 'refs/heads/-x y', 'refs/heads/x.lock', 'refs/heads/.hidden', 'refs/heads/a@{1}', 'refs/heads/a:b', 'refs/heads/'])(
    'rejects %j',
    (ref) => {
      expect(() => assertBranchOrTagRef(ref)).toThrow(/ref is not valid|not a valid/);
    },
  );

  it('requires full lower-case ids and recognises the zero id', () => {
    expect(() => assertOid('a'.repeat(40), 'after')).not.toThrow();
    expect(() => assertOid('A'.repeat(40), 'after')).toThrow(/after/);
    expect(() => assertOid('abc123', 'after')).toThrow();
    expect(() => assertOid('--upload-pack=x' + 'a'.repeat(25), 'after')).toThrow();
    expect(isZeroOid('0'.repeat(40))).toBe(true);
    expect(isZeroOid('0'.repeat(39) + '1')).toBe(false);
  });
});
