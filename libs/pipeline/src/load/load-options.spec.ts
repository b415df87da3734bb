import { describe, expect, it } from 'vitest';
import { DEFAULT_LOAD_OPTIONS, LoadOptionError, loadOptionsFrom, parseDuration, parseInstances, parseShare } from './load-options.js';

describe('parseShare', () => {
  it('reads percentages, fractions and bare percent numbers as a share', () => {
    expect(parseShare('findings', '10%')).toBeCloseTo(0.1);
    expect(parseShare('findings', '0.25')).toBeCloseTo(0.25);
    expect(parseShare('findings', '30')).toBeCloseTo(0.3);
    expect(parseShare('findings', '0')).toBe(0);
  });

  it('refuses negative, above 100 % and non-numbers, naming the option', () => {
    expect(() => parseShare('images', '-1')).toThrow(/--images/);
    expect(() => parseShare('images', '120%')).toThrow(LoadOptionError);
    expect(() => parseShare('images', 'many')).toThrow(/share like 10%/);
  });
});

describe('parseDuration', () => {
  it('reads ms, s, m and bare seconds', () => {
    expect(parseDuration('duration', '1500ms')).toBe(1500);
    expect(parseDuration('duration', '90s')).toBe(90_000);
    expect(parseDuration('duration', '2m')).toBe(120_000);
    expect(parseDuration('duration', '5')).toBe(5_000);
  });

  it('refuses other units', () => {
    expect(() => parseDuration('duration', '1h')).toThrow(/--duration/);
  });
});

describe('parseInstances', () => {
  it('reads service=count pairs', () => {
    expect(parseInstances('secret-auditor=2, notifier=1')).toEqual({ 'secret-auditor': 2, notifier: 1 });
  });

  it('refuses an unknown service and a count outside 1..8', () => {
    expect(() => parseInstances('auditor=2')).toThrow(/unknown service “auditor”/);
    expect(() => parseInstances('notifier=0')).toThrow(/count from 1 to 8/);
    expect(() => parseInstances('notifier')).toThrow(/count from 1 to 8/);
  });
});

describe('loadOptionsFrom', () => {
  it('gives the defaults without arguments', () => {
    expect(loadOptionsFrom({})).toEqual(DEFAULT_LOAD_OPTIONS);
  });

  it('derives the repositories from --duration at one push per repository', () => {
    expect(loadOptionsFrom({ rate: '20', duration: '60s' }).repos).toBe(1200);
    expect(loadOptionsFrom({ rate: '0.5', duration: '1s' }).repos).toBe(1);
  });

  it('refuses --repos with --duration, a zero rate, and more deploys than images', () => {
    expect(() => loadOptionsFrom({ repos: '10', duration: '10s' })).toThrow(/not both/);
    expect(() => loadOptionsFrom({ rate: '0' })).toThrow(/--rate/);
    expect(() => loadOptionsFrom({ images: '5%', deploy: '10%' })).toThrow(/--deploy .* must not exceed --images/);
  });

  it('reads every option', () => {
    const options = loadOptionsFrom({ repos: '50', rate: '5', findings: '20%', images: '40%', deploy: '10%', channels: '64', instances: 'notifier=2', 'drain-timeout': '2m', seed: '7' });
    expect(options).toEqual({ repos: 50, rate: 5, findings: 0.2, images: 0.4, deploy: 0.1, channels: 64, instances: { notifier: 2 }, drainTimeoutMs: 120_000, seed: 7 });
  });
});
