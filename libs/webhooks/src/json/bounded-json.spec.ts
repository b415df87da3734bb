import { describe, expect, it } from 'vitest';
import { parseBoundedJson } from './bounded-json.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('parseBoundedJson', () => {
  it('parses an ordinary webhook body', () => {
    const sut = parseBoundedJson;
    expect(sut(bytes('{"ref":"refs/heads/main","commits":[{"id":"a"},{"id":"b"}],"n":1.5e3,"ok":true,"x":null}'))).toEqual({
      ok: true,
      value: { ref: 'refs/heads/main', commits: [{ id: 'a' }, { id: 'b' }], n: 1500, ok: true, x: null },
    });
  });

  it('rejects 10 000 levels of nesting quickly and without a RangeError', () => {
    const started = performance.now();
    const result = parseBoundedJson(bytes('['.repeat(10_000) + ']'.repeat(10_000)));
    expect(result).toMatchObject({ ok: false, code: 'TOO_DEEP' });
    const objects = parseBoundedJson(bytes('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)));
    expect(objects).toMatchObject({ ok: false, code: 'TOO_DEEP' });
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('rejects a 1 000 000-element array quickly', () => {
    const body = bytes(`[${new Array<string>(1_000_000).fill('0').join(',')}]`);
    const started = performance.now();
    expect(parseBoundedJson(body)).toMatchObject({ ok: false, code: 'ARRAY_TOO_LONG' });
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('enforces the limits exactly at their bounds', () => {
    const limits = { maxDepth: 3, maxArrayLength: 3, maxKeys: 2 };
    expect(parseBoundedJson(bytes('[[[1]]]'), limits).ok).toBe(true);
    expect(parseBoundedJson(bytes('[[[[1]]]]'), limits)).toMatchObject({ ok: false, code: 'TOO_DEEP' });
    expect(parseBoundedJson(bytes('[1,[2,3],{"a":[4]}]'), limits).ok).toBe(true);
    expect(parseBoundedJson(bytes('[1,2,3,4]'), limits)).toMatchObject({ ok: false, code: 'ARRAY_TOO_LONG' });
    expect(parseBoundedJson(bytes('{"a":{"x":1,"y":2},"b":[1,2,3]}'), limits).ok).toBe(true);
    expect(parseBoundedJson(bytes('{"a":1,"b":2,"c":3}'), limits)).toMatchObject({ ok: false, code: 'TOO_MANY_KEYS' });
    expect(parseBoundedJson(bytes('[]'), limits).ok).toBe(true);
  });

  it('does not count brackets, commas or escaped quotes inside strings', () => {
    const limits = { maxDepth: 1, maxArrayLength: 2, maxKeys: 1 };
    const result = parseBoundedJson(bytes('{"k":"[[[{{{,,,\\"]]],\\\\"}'), limits);
    expect(result).toEqual({ ok: true, value: { k: '[[[{{{,,,"]]],\\' } });
    expect(parseBoundedJson(bytes('["a,b,c,d","é,ü,ß"]'), limits)).toEqual({ ok: true, value: ['a,b,c,d', 'é,ü,ß'] });
  });

  it('reports malformed JSON and bad UTF-8 without echoing the body', () => {
    const secretish = 'ghp_thisLooksLikeAToken';
    const malformed = parseBoundedJson(bytes(`{"token":"${secretish}",}`));
    expect(malformed).toMatchObject({ ok: false, code: 'INVALID_JSON' });
    expect(JSON.stringify(malformed)).not.toContain(secretish);
    expect(parseBoundedJson(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).toMatchObject({ ok: false, code: 'INVALID_ENCODING' });
  });
});
