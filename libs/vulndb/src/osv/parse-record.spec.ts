import { describe, expect, it } from 'vitest';

import { OSV_LIMITS } from './osv.schema.js';
import { parseOsvRecord } from './parse-record.js';

const valid = { id: 'GHSA-aaaa-bbbb-cccc', modified: '2024-01-01T00:00:00Z' };

describe('parseOsvRecord', () => {
  it('accepts a record and drops fields it does not know', () => {
    const parsed = parseOsvRecord(JSON.stringify({ ...valid, details: 'text', credits: [{ name: 'x' }], affected: [] }), 'a.json');
    expect(parsed).toEqual({ ok: true, record: { ...valid, affected: [] } });
  });

  it('reports not-JSON with the source and no id', () => {
    expect(parseOsvRecord('{"id": "X-1", ', 'bad.json')).toEqual({ ok: false, issue: { id: undefined, source: 'bad.json', kind: 'not-json', reason: 'not valid JSON' } });
  });

  it('reports a schema violation with the id and the path, never the value', () => {
    const secretish = 'AKIAIOSFODNN7EXAMPLE';
    const parsed = parseOsvRecord(JSON.stringify({ ...valid, affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: secretish, events: [{ introduced: '0' }] }] }] }), 'x.json');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issue.id).toBe(valid.id);
    expect(parsed.issue.kind).toBe('invalid');
    expect(parsed.issue.reason).toContain('affected.0.ranges.0.type');
    expect(parsed.issue.reason).not.toContain(secretish);
  });

  it('rejects events with more or fewer than one key', () => {
    const parsed = parseOsvRecord(JSON.stringify({ ...valid, affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1.0.0' }] }] }] }), 'x.json');
    expect(parsed.ok).toBe(false);
  });

  it('enforces the bounds on size and list lengths', () => {
    const big = 'x'.repeat(OSV_LIMITS.maxRecordBytes + 1);
    expect(parseOsvRecord(big, 'big.json')).toMatchObject({ ok: false, issue: { kind: 'too-large' } });
    const versions = Array.from({ length: OSV_LIMITS.maxVersionsPerAffected + 1 }, (_, i) => `1.0.${i}`);
    const many = parseOsvRecord(JSON.stringify({ ...valid, affected: [{ package: { ecosystem: 'npm', name: 'x' }, versions }] }), 'many.json');
    expect(many).toMatchObject({ ok: false, issue: { kind: 'invalid', id: valid.id } });
    const events = Array.from({ length: OSV_LIMITS.maxEventsPerRange + 1 }, () => ({ introduced: '0' }));
    const longRange = parseOsvRecord(JSON.stringify({ ...valid, affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events }] }] }), 'r.json');
    expect(longRange.ok).toBe(false);
  });

  it('drops deeply nested free-form data instead of carrying it into the index', () => {
    const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const text = `{"id":"X-1","modified":"2024-01-01T00:00:00Z","database_specific":{"severity":"HIGH","nested":${deep}}}`;
    expect(parseOsvRecord(text, 'deep.json')).toEqual({ ok: true, record: { id: 'X-1', modified: '2024-01-01T00:00:00Z', database_specific: { severity: 'HIGH' } } });
  });

  it('requires id and modified', () => {
    expect(parseOsvRecord(JSON.stringify({ id: 'X-1' }), 'x.json')).toMatchObject({ ok: false, issue: { id: 'X-1', kind: 'invalid' } });
    expect(parseOsvRecord('[]', 'x.json')).toMatchObject({ ok: false, issue: { id: undefined, kind: 'invalid' } });
  });
});
