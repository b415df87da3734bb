import { describe, expect, it } from 'vitest';
import { mergeSightings, repositoriesOf } from './incident-merge.js';
import { type IncidentSighting } from './triage.ports.js';

const FP = 'a'.repeat(64);
const sighting = (owner: string, path: string, seenAt: string, overrides: Partial<IncidentSighting> = {}): IncidentSighting => ({
  fingerprint: FP,
  ruleId: 'aws-access-key',
  severity: 'high',
  repository: { provider: 'github', owner, name: 'svc' },
  path,
  commit: '1'.repeat(40),
  seenAt,
  ...overrides,
});

describe('mergeSightings', () => {
  it('makes one incident of the same secret in many repositories', () => {
    let sut = mergeSightings(undefined, [sighting('acme', 'a.env', '2026-01-02T00:00:00Z')], 10);
    sut = mergeSightings(sut, [sighting('globex', 'config/b.yaml', '2026-01-01T00:00:00Z', { severity: 'critical' })], 10);
    expect(sut).toMatchObject({ fingerprint: FP, ruleId: 'aws-access-key', severity: 'critical', firstSeenAt: '2026-01-01T00:00:00Z', lastSeenAt: '2026-01-02T00:00:00Z', locationsTruncated: false });
    expect(repositoriesOf(sut)).toEqual(['github/acme/svc', 'github/globex/svc']);
  });

  it('is idempotent for a repeated sighting', () => {
    const once = mergeSightings(undefined, [sighting('acme', 'a.env', '2026-01-01T00:00:00Z')], 10);
    const twice = mergeSightings(once, [sighting('acme', 'a.env', '2026-01-01T00:00:00Z')], 10);
    expect(twice).toEqual(once);
  });

  it('keeps the oldest locations up to the cap and flags the rest', () => {
    const many = Array.from({ length: 5 }, (_, i) => sighting(`o${i}`, 'k.pem', `2026-01-0${i + 1}T00:00:00Z`));
    const sut = mergeSightings(undefined, many, 3);
    expect(sut.locations.map((l) => l.repository)).toEqual(['github/o0/svc', 'github/o1/svc', 'github/o2/svc']);
    expect(sut.locationsTruncated).toBe(true);
    expect(sut.lastSeenAt).toBe('2026-01-05T00:00:00Z');
  });

  it('refuses to mix fingerprints', () => {
    expect(() => mergeSightings(undefined, [sighting('a', 'p', '2026-01-01T00:00:00Z'), sighting('b', 'p', '2026-01-01T00:00:00Z', { fingerprint: 'b'.repeat(64) })], 5)).toThrow();
  });
});
