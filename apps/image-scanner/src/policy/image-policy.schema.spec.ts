import { describe, expect, it } from 'vitest';
import { defaultImagePolicy, resolveImagePolicy } from './image-policy.schema.js';
import { parseTrivyIgnore } from './trivyignore.parser.js';

describe('resolveImagePolicy', () => {
  it('uses the platform default when the file has no images section and no .trivyignore', () => {
    expect(resolveImagePolicy(undefined)).toEqual({ ok: true, source: 'default', policy: defaultImagePolicy() });
    expect(resolveImagePolicy(null, { platform: { failOn: 'critical', requireFix: false } })).toEqual({
      ok: true,
      source: 'default',
      policy: { failOn: 'critical', requireFix: false, suppressions: [] },
    });
  });

  it('reads thresholds and suppressions; a date means through that day', () => {
    const sut = resolveImagePolicy({
      failOn: 'medium',
      fixableOnly: false,
      suppressions: [
        { id: 'CVE-2021-44906', package: 'minimist', until: '2027-01-31', reason: 'only in build tooling', owner: 'team-shop' },
        { id: 'GHSA-xvch-5gv4-984h', until: '2026-12-01T10:00:00+02:00', reason: 'not reachable', owner: '@alice' },
      ],
    });
    expect(sut).toEqual({
      ok: true,
      source: 'repository',
      policy: {
        failOn: 'medium',
        requireFix: false,
        suppressions: [
          { id: 'CVE-2021-44906', package: 'minimist', until: '2027-01-31T23:59:59.000Z', reason: 'only in build tooling', owner: 'team-shop', origin: '.portcullis.yaml' },
          { id: 'GHSA-xvch-5gv4-984h', until: '2026-12-01T08:00:00.000Z', reason: 'not reachable', owner: '@alice', origin: '.portcullis.yaml' },
        ],
      },
    });
  });

  it('keeps the platform thresholds the section does not set and adds .trivyignore entries', () => {
    const trivyignore = parseTrivyIgnore('# accepted until the base image moves\nCVE-2023-5363 exp:2027-03-01\n').entries;
    const sut = resolveImagePolicy({}, { trivyignore, platform: { failOn: 'critical', requireFix: true } });
    expect(sut).toEqual({
      ok: true,
      source: 'repository',
      policy: {
        failOn: 'critical',
        requireFix: true,
        suppressions: [{ id: 'CVE-2023-5363', until: '2027-03-01T23:59:59.000Z', reason: 'accepted until the base image moves', owner: '.trivyignore', origin: '.trivyignore' }],
      },
    });
    expect(resolveImagePolicy(undefined, { trivyignore })).toMatchObject({ ok: true, source: 'repository' });
  });

  it('rejects unknown keys, naming them and where, and falls back to the default', () => {
    const sut = resolveImagePolicy({ failon: 'low', suppressions: [{ id: 'CVE-1', until: '2027-01-01', reason: 'x', owner: 'y', expires: 'soon' }] });
    expect(sut.ok).toBe(false);
    if (sut.ok) return;
    expect(sut.problems.join('\n')).toMatch(/^images: .*failon/m);
    expect(sut.problems.join('\n')).toMatch(/^images\.suppressions\[0\]: .*expires/m);
    expect(sut.fallback).toEqual(defaultImagePolicy());
  });

  it.each([
    [{ failOn: 'severe' }, /^images\.failOn: /],
    [{ fixableOnly: 'yes' }, /^images\.fixableOnly: /],
    [{ suppressions: [{ id: 'CVE-1', until: '31/01/2027', reason: 'r', owner: 'o' }] }, /^images\.suppressions\[0\]\.until: a date \(2027-01-31\) or an RFC 3339 time/],
    [{ suppressions: [{ id: 'CVE-1', reason: 'r', owner: 'o' }] }, /^images\.suppressions\[0\]\.until: /],
    [{ suppressions: [{ id: 'CVE 1; rm', until: '2027-01-01', reason: 'r', owner: 'o' }] }, /^images\.suppressions\[0\]\.id: an advisory id/],
    [{ suppressions: [{ id: 'CVE-1', until: '2027-01-01', reason: ' ', owner: 'o' }] }, /^images\.suppressions\[0\]\.reason: /],
    [{ suppressions: Array.from({ length: 501 }, () => ({ id: 'CVE-1', until: '2027-01-01', reason: 'r', owner: 'o' })) }, /^images\.suppressions: /],
  ])('refuses %j with a message naming the field', (section, message) => {
    const sut = resolveImagePolicy(section);
    expect(sut.ok).toBe(false);
    expect(!sut.ok && sut.problems.join('\n')).toMatch(message);
  });
});
