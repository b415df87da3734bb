import { describe, expect, it } from 'vitest';
import { LogScrubber } from './log-scrubber.js';

describe('LogScrubber.scrub', () => {
  const sut = new LogScrubber(['s3cr3t-token', 'a.b*c(d)']);

  it('replaces configured secrets anywhere in the text, including ones full of regex characters', () => {
    expect(sut.scrub('auth with s3cr3t-token failed; again s3cr3t-token')).toBe('auth with *** failed; again ***');
    expect(sut.scrub('pw=a.b*c(d) end')).toBe('pw=*** end');
    expect(sut.scrub('a.bXc(d) is not the secret')).toBe('a.bXc(d) is not the secret');
  });

  it('masks URL credentials whatever the scheme, keeping the user and host', () => {
    expect(sut.scrub('connect redis://default:hunter2@cache:6379/0 now')).toBe('connect redis://default:***@cache:6379/0 now');
    expect(sut.scrub('amqps://:p@ss@mq.example.com')).toBe('amqps://:***@mq.example.com');
    expect(sut.scrub('clone https://ghp_abcdef123456@github.com/org/repo.git')).toBe('clone https://***@github.com/org/repo.git');
    expect(sut.scrub('plain https://github.com/org/repo and host:8080/x@y')).toBe('plain https://github.com/org/repo and host:8080/x@y');
  });

  it('masks token query parameters and authorization values', () => {
    expect(sut.scrub('GET https://reg.io/v2/x?service=reg&token=abc.def&scope=pull')).toBe(
      'GET https://reg.io/v2/x?service=reg&token=***&scope=pull',
    );
    expect(sut.scrub('s3.amazonaws.com/l?X-Amz-Signature=deadbeef&X-Amz-Date=1')).toBe('s3.amazonaws.com/l?X-Amz-Signature=***&X-Amz-Date=1');
    expect(sut.scrub('header Authorization: Bearer eyJhbGciOi.J9.xyz')).toBe('header Authorization: Bearer ***');
  });

  it('removes a secret containing another one entirely', () => {
    expect(new LogScrubber(['abc', 'abcdef']).scrub('x abcdef y')).toBe('x *** y');
  });
});

describe('LogScrubber.scrubValue', () => {
  it('scrubs strings in nested objects, arrays and errors without touching the original', () => {
    const sut = new LogScrubber(['pa55word']);
    const input = { a: { b: [{ c: 'uses pa55word' }] }, n: 3, when: new Date(0) };
    const out = sut.scrubValue(input);
    expect(out).toEqual({ a: { b: [{ c: 'uses ***' }] }, n: 3, when: new Date(0) });
    expect(input.a.b[0]?.c).toBe('uses pa55word');

    const error = sut.scrubValue(new TypeError('login with pa55word rejected', { cause: new Error('pa55word') }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('login with *** rejected');
    expect(error.stack).not.toContain('pa55word');
    expect((error.cause as Error).message).toBe('***');
  });

  it('survives cycles', () => {
    const sut = new LogScrubber(['k3y']);
    const input: Record<string, unknown> = { v: 'k3y' };
    input['self'] = input;
    const out = sut.scrubValue(input);
    expect(out['v']).toBe('***');
    expect(out['self']).toBe(out);
  });
});

describe('LogScrubber.add', () => {
  it('scrubs secrets learned after construction, and keeps the earlier ones', () => {
    const sut = new LogScrubber(['config-secret-1']);
    expect(sut.scrub('a webhook-secret-2 b')).toBe('a webhook-secret-2 b');
    sut.add(['webhook-secret-2', '']);
    expect(sut.scrub('config-secret-1 and webhook-secret-2')).toBe('*** and ***');
  });
});
