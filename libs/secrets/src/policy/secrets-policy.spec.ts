import { describe, expect, it } from 'vitest';
import { defaultSecretsPolicy, isIgnoredPath, resolveSecretsPolicy, suppressionFor } from './secrets-policy.js';

const FP = 'ab'.repeat(32);
const now = new Date('2026-06-01T00:00:00Z');

describe('resolveSecretsPolicy', () => {
  it('uses the platform default when the file has no secrets section', () => {
    expect(resolveSecretsPolicy(undefined)).toEqual({ ok: true, policy: defaultSecretsPolicy('high') });
    expect(resolveSecretsPolicy(null, 'critical')).toEqual({ ok: true, policy: defaultSecretsPolicy('critical') });
  });

  it('reads failOn, suppressions (either form) and ignored paths; a date means through that day', () => {
    const sut = resolveSecretsPolicy({
      failOn: 'medium',
      suppressions: [
        { fingerprint: FP, reason: 'test key', until: '2027-01-31', owner: 'team-pay' },
        { ruleId: 'generic-api-key', path: 'test/**', reason: 'fixtures', until: '2026-12-01T10:00:00+02:00', owner: '@alice' },
      ],
      paths: { ignore: ['vendor/**'] },
    });
    expect(sut).toEqual({
      ok: true,
      policy: {
        source: 'repository',
        failOn: 'medium',
        suppressions: [
          { fingerprint: FP, reason: 'test key', until: '2027-01-31T23:59:59.000Z', owner: 'team-pay' },
          { ruleId: 'generic-api-key', path: 'test/**', reason: 'fixtures', until: '2026-12-01T08:00:00.000Z', owner: '@alice' },
        ],
        ignorePaths: ['vendor/**'],
      },
    });
  });

  it('keeps the platform failOn when the section does not set one', () => {
    const sut = resolveSecretsPolicy({ paths: { ignore: [] } }, 'critical');
    expect(sut.ok && sut.policy).toMatchObject({ source: 'repository', failOn: 'critical' });
  });

  it('rejects unknown keys, naming them and where', () => {
    const sut = resolveSecretsPolicy({ failon: 'low', paths: { ignored: ['x'] } });
    expect(sut.ok).toBe(false);
    if (sut.ok) return;
    expect(sut.problems.join('\n')).toMatch(/secrets: .*failon/);
    expect(sut.problems.join('\n')).toMatch(/secrets\.paths: .*ignored/);
    expect(sut.fallback).toEqual(defaultSecretsPolicy('high'));
  });

  it.each([
    ['a suppression without until', { suppressions: [{ fingerprint: FP, reason: 'r', owner: 'o' }] }],
    ['a suppression without owner', { suppressions: [{ fingerprint: FP, reason: 'r', until: '2027-01-01' }] }],
    ['a suppression with a rule but no path', { suppressions: [{ ruleId: 'x', reason: 'r', until: '2027-01-01', owner: 'o' }] }],
    ['a short fingerprint', { suppressions: [{ fingerprint: 'abc', reason: 'r', until: '2027-01-01', owner: 'o' }] }],
    ['a bad date', { suppressions: [{ fingerprint: FP, reason: 'r', until: 'next year', owner: 'o' }] }],
    ['an unknown severity', { failOn: 'severe' }],
    ['too many ignore globs', { paths: { ignore: Array.from({ length: 201 }, (_, i) => `d${i}/**`) } }],
    ['a huge reason', { suppressions: [{ fingerprint: FP, reason: 'r'.repeat(501), until: '2027-01-01', owner: 'o' }] }],
    ['not an object', ['failOn', 'high']],
  ])('rejects %s', (_case, section) => {
    const sut = resolveSecretsPolicy(section);
    expect(sut.ok).toBe(false);
    if (!sut.ok) expect(sut.problems.every((p) => p.startsWith('secrets'))).toBe(true);
  });

  it('says which suppression is wrong', () => {
    const sut = resolveSecretsPolicy({
      suppressions: [
        { fingerprint: FP, reason: 'r', until: '2027-01-01', owner: 'o' },
        { fingerprint: FP, reason: 'r', until: 'soon', owner: 'o' },
      ],
    });
    expect(sut.ok).toBe(false);
    if (!sut.ok) expect(sut.problems[0]).toMatch(/^secrets\.suppressions\[1\]/);
  });
});

describe('matching', () => {
  const resolved = resolveSecretsPolicy({
    suppressions: [
      { fingerprint: FP, reason: 'known test key', until: '2026-07-01', owner: 'o' },
      { ruleId: 'generic-api-key', path: 'test/**/*.json', reason: 'fixtures', until: '2026-07-01', owner: 'o' },
      { fingerprint: 'cd'.repeat(32), reason: 'expired', until: '2026-05-01', owner: 'o' },
    ],
    paths: { ignore: ['vendor/**', '**/*.min.js'] },
  });
  if (!resolved.ok) throw new Error('fixture policy invalid');
  const { policy } = resolved;

  it('suppresses by fingerprint anywhere', () => {
    expect(suppressionFor(policy, { fingerprint: FP, ruleId: 'aws-key', path: 'src/a.ts' }, now)?.reason).toBe('known test key');
  });

  it('suppresses a rule only under its path glob', () => {
    expect(suppressionFor(policy, { fingerprint: 'ef'.repeat(32), ruleId: 'generic-api-key', path: 'test/fixtures/a.json' }, now)).toBeDefined();
    expect(suppressionFor(policy, { fingerprint: 'ef'.repeat(32), ruleId: 'generic-api-key', path: 'src/a.json' }, now)).toBeUndefined();
    expect(suppressionFor(policy, { fingerprint: 'ef'.repeat(32), ruleId: 'github-pat', path: 'test/fixtures/a.json' }, now)).toBeUndefined();
  });

  it('never applies an expired suppression', () => {
    expect(suppressionFor(policy, { fingerprint: 'cd'.repeat(32), ruleId: 'x', path: 'a' }, now)).toBeUndefined();
    expect(suppressionFor(policy, { fingerprint: FP, ruleId: 'x', path: 'a' }, new Date('2026-07-02T00:00:00Z'))).toBeUndefined();
  });

  it('ignores paths by glob', () => {
    expect(isIgnoredPath(policy, 'vendor/lib/x.go')).toBe(true);
    expect(isIgnoredPath(policy, 'web/app.min.js')).toBe(true);
    expect(isIgnoredPath(policy, 'src/vendor.go')).toBe(false);
  });
});
