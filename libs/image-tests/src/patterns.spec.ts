import { describe, expect, it } from 'vitest';
import { compileGlob, compilePattern, normalisePath } from './patterns.js';

function glob(source: string) {
  const compiled = compileGlob(source);
  if (!compiled.ok) throw new Error(compiled.message);
  return compiled.value;
}

describe('compileGlob', () => {
  it('anchors at the image root, with or without a leading slash', () => {
    const sut = glob('/usr/bin/apt');
    expect(sut.matches('usr/bin/apt')).toBe(true);
    expect(sut.matches('/usr/bin/apt')).toBe(true);
    expect(sut.matches('opt/usr/bin/apt')).toBe(false);
    expect(sut.matches('usr/bin/apt-get')).toBe(false);
  });

  it('keeps * and ? within one segment and lets ** span segments', () => {
    expect(glob('etc/*.conf').matches('etc/app.conf')).toBe(true);
    expect(glob('etc/*.conf').matches('etc/sub/app.conf')).toBe(false);
    expect(glob('**/.env').matches('.env')).toBe(true);
    expect(glob('**/.env').matches('srv/app/.env')).toBe(true);
    expect(glob('**/.env').matches('srv/app/.env.local')).toBe(false);
    expect(glob('app/**').matches('app/a/b/c.js')).toBe(true);
    expect(glob('bin/s?').matches('bin/sh')).toBe(true);
  });

  it('expands {a,b} alternatives and treats regex characters literally', () => {
    const sut = glob('{bin,usr/bin}/{sh,bash}');
    expect(['bin/sh', 'usr/bin/bash'].every((p) => sut.matches(p))).toBe(true);
    expect(sut.matches('usr/bin/zsh')).toBe(false);
    expect(glob('app/a+b(1).txt').matches('app/a+b(1).txt')).toBe(true);
    expect(glob('app/a.b').matches('app/aXb')).toBe(false);
  });

  it('refuses .. segments, empty and over-long globs, and unbalanced braces', () => {
    for (const bad of ['../etc/passwd', 'app/../../x', '/', '', 'a'.repeat(257), '{a,b', 'a}b', '{a,{b,c}}']) {
      expect(compileGlob(bad).ok, bad).toBe(false);
    }
  });
});

describe('compilePattern', () => {
  it('compiles RE2 syntax and refuses what RE2 cannot do in linear time', () => {
    const ok = compilePattern('^v\\d+\\.\\d+');
    expect(ok.ok && ok.value.test('v1.2.3')).toBe(true);
    const lookahead = compilePattern('(?=secret)');
    expect(lookahead.ok).toBe(false);
    expect(!lookahead.ok && lookahead.message).toMatch(/RE2/);
    expect(compilePattern('(a').ok).toBe(false);
    expect(compilePattern('a'.repeat(513)).ok).toBe(false);
  });

  it('matches a pathological pattern against a long input without backtracking', () => {
    const compiled = compilePattern('(a+)+$');
    expect(compiled.ok).toBe(true);
    // With a backtracking engine this input takes astronomically long; RE2 answers at once.
    expect(compiled.ok && compiled.value.test(`${'a'.repeat(50_000)}!`)).toBe(false);
  });
});

describe('normalisePath', () => {
  it('drops leading ./ and /, trailing / and doubled slashes', () => {
    expect(normalisePath('/usr//bin/')).toBe('usr/bin');
    expect(normalisePath('./app/main.js')).toBe('app/main.js');
  });
});
