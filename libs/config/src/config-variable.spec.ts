import { describe, expect, it } from 'vitest';
import { defineConfig } from './config-schema.js';
import { type ConfigVariable, envVar } from './config-variable.js';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

/** Loads one variable named V from `raw` and returns its value, or the ConfigError's only problem. */
function parseOne<T>(variable: ConfigVariable<T>, raw: string | undefined): { value: T } | { problem: string } {
  const sut = defineConfig({ v: variable });
  try {
    return { value: loadConfig(sut, { V: raw }).v };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { problem: error.issues.map((issue) => issue.problem).join(' | ') };
  }
}

describe('envVar types', () => {
  it.each([
    ['42', 42],
    ['-7', -7],
    ['+3', 3],
  ])('int parses %s', (raw, expected) => {
    expect(parseOne(envVar.int('V', { description: 'd' }), raw)).toEqual({ value: expected });
  });

  it.each([
    ['4.2', 'not an integer'],
    ['ten', 'not an integer'],
    ['0', 'at least 1'],
    ['11', 'at most 10'],
  ])('int rejects %s', (raw, problem) => {
    expect(parseOne(envVar.int('V', { description: 'd', min: 1, max: 10 }), raw)).toEqual({ problem: expect.stringContaining(problem) });
  });

  it('port accepts 0..65535 and nothing else', () => {
    expect(parseOne(envVar.port('V', { description: 'd' }), '8080')).toEqual({ value: 8080 });
    expect(parseOne(envVar.port('V', { description: 'd' }), '0')).toEqual({ value: 0 });
    expect(parseOne(envVar.port('V', { description: 'd' }), '65536')).toEqual({ problem: expect.stringContaining('at most 65535') });
    expect(parseOne(envVar.port('V', { description: 'd' }), 'http')).toEqual({ problem: expect.stringContaining('not an integer') });
  });

  it('url accepts absolute URLs and enforces the allowed schemes', () => {
    const sut = envVar.url('V', { description: 'd', protocols: ['redis', 'rediss'] });
    expect(parseOne(sut, 'rediss://cache:6380/0')).toEqual({ value: 'rediss://cache:6380/0' });
    expect(parseOne(sut, 'http://cache:6379')).toEqual({ problem: expect.stringContaining('must use redis:// or rediss://') });
    expect(parseOne(sut, 'cache.internal')).toEqual({ problem: expect.stringContaining('not a valid URL') });
  });

  it.each([
    ['true', true],
    ['YES', true],
    ['On', true],
    ['1', true],
    ['false', false],
    ['no', false],
    ['0', false],
    ['off', false],
  ])('bool parses %s', (raw, expected) => {
    expect(parseOne(envVar.bool('V', { description: 'd' }), raw)).toEqual({ value: expected });
  });

  it('bool rejects anything else', () => {
    expect(parseOne(envVar.bool('V', { description: 'd' }), 'maybe')).toEqual({ problem: expect.stringContaining('not a boolean') });
  });

  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
  ])('duration parses %s into milliseconds', (raw, expected) => {
    expect(parseOne(envVar.duration('V', { description: 'd' }), raw)).toEqual({ value: expected });
  });

  it.each(['30', '-1s', '10 s', '3d', 's'])('duration rejects %s', (raw) => {
    expect(parseOne(envVar.duration('V', { description: 'd' }), raw)).toEqual({ problem: expect.stringContaining('not a duration') });
  });

  it('list splits, trims and drops empty items', () => {
    expect(parseOne(envVar.list('V', { description: 'd' }), ' a:1, b:2 ,,c:3 ')).toEqual({ value: ['a:1', 'b:2', 'c:3'] });
    expect(parseOne(envVar.list('V', { description: 'd', separator: ';' }), 'x;y')).toEqual({ value: ['x', 'y'] });
  });

  it('required list rejects a value without items; a defaulted one may be empty', () => {
    expect(parseOne(envVar.list('V', { description: 'd' }), ' , ')).toEqual({ problem: expect.stringContaining('at least 1 item') });
    expect(parseOne(envVar.list('V', { description: 'd', default: '' }), undefined)).toEqual({ value: [] });
  });

  it('enum matches case-insensitively, returns the declared spelling and lists the choices on error', () => {
    const sut = envVar.enum('V', ['debug', 'info'], { description: 'd' });
    expect(parseOne(sut, 'INFO')).toEqual({ value: 'info' });
    expect(parseOne(sut, 'loud')).toEqual({ problem: expect.stringContaining('must be one of debug, info') });
  });

  it('string applies its pattern', () => {
    const sut = envVar.string('V', { description: 'd', pattern: /^[a-z]+$/ });
    expect(parseOne(sut, 'abc')).toEqual({ value: 'abc' });
    expect(parseOne(sut, 'a b')).toEqual({ problem: expect.stringContaining('must match') });
  });

  it('optional variables are undefined when unset, defaulted ones get the parsed default', () => {
    expect(parseOne(envVar.int('V', { description: 'd', optional: true }), undefined)).toEqual({ value: undefined });
    expect(parseOne(envVar.duration('V', { description: 'd', default: '2s' }), undefined)).toEqual({ value: 2_000 });
    expect(parseOne(envVar.duration('V', { description: 'd', default: '2s' }), '   ')).toEqual({ value: 2_000 });
  });

  it('refuses declarations that would be bugs', () => {
    expect(() => envVar.string('V', { description: 'd', sensitive: true, default: 'hunter2' })).toThrow(/must not have a default/);
    expect(() => envVar.string('V', { description: 'd', optional: true, default: 'x' })).toThrow(/both optional and have a default/);
    expect(() => envVar.string('lower_case', { description: 'd' })).toThrow(/UPPER_SNAKE_CASE/);
    expect(() => envVar.string('V', { description: ' ' })).toThrow(/needs a description/);
  });
});
