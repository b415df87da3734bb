import { describe, expect, it } from 'vitest';

import type { OsvAffected, OsvRange } from '../osv/osv.schema.js';
import { debianVersionScheme } from '../versions/debian.version.js';
import { pypiVersionScheme } from '../versions/pypi.version.js';
import { semverVersionScheme } from '../versions/semver.version.js';
import type { VersionScheme } from '../versions/version-scheme.js';
import { compileAffected, compileRange, fixesAbove, isAffected, rangeIncludes } from './affected-versions.js';

const npm = semverVersionScheme as VersionScheme;
const dpkg = debianVersionScheme as VersionScheme;
const pep440 = pypiVersionScheme as VersionScheme;

function range(events: OsvRange['events'], type: OsvRange['type'] = 'ECOSYSTEM'): OsvRange {
  return { type, events };
}

function includes(r: OsvRange, scheme: VersionScheme, version: string): boolean | undefined {
  const compiled = compileRange(r, scheme);
  if (compiled === undefined || 'reason' in compiled) throw new Error('range did not compile');
  return rangeIncludes(compiled, version);
}

describe('rangeIncludes (OSV evaluation)', () => {
  it('treats introduced "0" as the beginning and fixed as exclusive', () => {
    const r = range([{ introduced: '0' }, { fixed: '1.1.1n-0+deb11u2' }]);
    expect(includes(r, dpkg, '1.1.1k-1+deb11u1')).toBe(true);
    expect(includes(r, dpkg, '1.1.1n-0+deb11u1')).toBe(true);
    expect(includes(r, dpkg, '1.1.1n-0+deb11u2')).toBe(false);
    expect(includes(r, dpkg, '1.1.1w-0+deb11u1')).toBe(false);
  });

  it('includes last_affected itself and nothing after it', () => {
    const r = range([{ introduced: '1.0.0' }, { last_affected: '1.4.2' }], 'SEMVER');
    expect(includes(r, npm, '0.9.9')).toBe(false);
    expect(includes(r, npm, '1.0.0')).toBe(true);
    expect(includes(r, npm, '1.4.2')).toBe(true);
    expect(includes(r, npm, '1.4.3-alpha')).toBe(false);
  });

  it('evaluates several introduced/fixed pairs in version order, whatever their order in the record', () => {
    const r = range([{ fixed: '1.19.1' }, { introduced: '1.19.0' }, { fixed: '1.18.6' }, { introduced: '0' }], 'SEMVER');
    expect(includes(r, npm, '1.18.5')).toBe(true);
    expect(includes(r, npm, '1.18.6')).toBe(false);
    expect(includes(r, npm, '1.18.10')).toBe(false);
    expect(includes(r, npm, '1.19.0')).toBe(true);
    expect(includes(r, npm, '1.19.1')).toBe(false);
  });

  it('keeps a version only when it is below a limit', () => {
    // An open-ended range cut by a limit: affected from 2.0 up to (not including) 3.0.
    const r = range([{ introduced: '2.0.0' }, { limit: '3.0.0' }], 'SEMVER');
    expect(includes(r, npm, '1.9.0')).toBe(false);
    expect(includes(r, npm, '2.5.0')).toBe(true);
    expect(includes(r, npm, '3.0.0')).toBe(false);
    expect(includes(r, npm, '3.1.0')).toBe(false);
    const unlimited = range([{ introduced: '2.0.0' }, { limit: '*' }], 'SEMVER');
    expect(includes(unlimited, npm, '9.0.0')).toBe(true);
  });

  it('leaves a range with only introduced open upwards', () => {
    expect(includes(range([{ introduced: '2.3.0' }]), pep440, '3.0')).toBe(true);
    expect(includes(range([{ introduced: '2.3.0' }]), pep440, '2.2.9')).toBe(false);
  });

  it('uses semver order for SEMVER ranges and the ecosystem order for ECOSYSTEM ranges', () => {
    // PEP 440 pre-release spelling is not semver: the same bound parses in one and not the other.
    expect(compileRange(range([{ introduced: '0' }, { fixed: '2.0rc1' }], 'SEMVER'), pep440)).toEqual({ reason: expect.stringContaining('semver') as unknown });
    expect(includes(range([{ introduced: '0' }, { fixed: '2.0rc1' }]), pep440, '2.0b3')).toBe(true);
  });

  it('ignores GIT ranges', () => {
    expect(compileRange({ type: 'GIT', repo: 'https://github.com/openssl/openssl', events: [{ introduced: '0' }, { fixed: 'abc123' }] }, npm)).toBeUndefined();
  });

  it('reports a version that does not parse instead of guessing', () => {
    expect(includes(range([{ introduced: '0' }, { fixed: '1.2.3' }], 'SEMVER'), npm, 'not-a-version')).toBeUndefined();
  });
});

describe('isAffected', () => {
  const entry = (affected: Partial<OsvAffected>, scheme: VersionScheme) =>
    compileAffected({ package: { ecosystem: 'PyPI', name: 'x' }, ...affected }, scheme);

  it('matches explicit versions, also when spelled differently in the same order', () => {
    const { compiled } = entry({ versions: ['1.0.0', '1.1'] }, pep440);
    expect(isAffected(compiled, '1.0.0', pep440)).toBe('affected');
    expect(isAffected(compiled, '1.0', pep440)).toBe('affected');
    expect(isAffected(compiled, '1.1.0', pep440)).toBe('affected');
    expect(isAffected(compiled, '1.0.1', pep440)).toBe('not-affected');
  });

  it('collects fixed versions and reports ranges with unparseable bounds', () => {
    const { compiled, problems } = entry(
      {
        ranges: [
          { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }, { introduced: '3.0' }, { fixed: '3.2' }] },
          { type: 'ECOSYSTEM', events: [{ introduced: 'garbage!' }] },
        ],
      },
      pep440,
    );
    expect(compiled.fixed.map((f) => f.version)).toEqual(['2.0', '3.2']);
    expect(fixesAbove(compiled, '3.1')).toEqual(['3.2']);
    expect(fixesAbove(compiled, '1.0')).toEqual(['2.0', '3.2']);
    expect(problems).toHaveLength(1);
    expect(isAffected(compiled, '3.1', pep440)).toBe('affected');
    expect(isAffected(compiled, '2.5', pep440)).toBe('not-affected');
  });
});
