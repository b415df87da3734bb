import { VulnDbBuilder } from '@portcullis/vulndb';
import { describe, expect, it } from 'vitest';
import { VulnDbHolder } from './vulndb.holder.js';

function db(...ids: string[]) {
  const builder = new VulnDbBuilder();
  for (const id of ids) {
    builder.addJson(
      JSON.stringify({ id, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, versions: ['1.0.0'] }] }),
      `${id}.json`,
    );
  }
  return builder.build();
}

describe('VulnDbHolder', () => {
  it('serves the new database to readers that start after a swap', () => {
    const first = db('GHSA-1');
    const second = db('GHSA-1', 'GHSA-2');
    const sut = new VulnDbHolder(first);

    const previous = sut.swap(second, new Date('2025-01-01T00:00:00Z'));

    expect(previous).toBe(first);
    expect(sut.current()).toBe(second);
    expect(sut.current().version).not.toBe(first.version);
    expect(sut.loadedAt.toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });

  it('lets a reader that took the database before a swap keep matching with its version', () => {
    const first = db('GHSA-1');
    const sut = new VulnDbHolder(first);
    const scanDb = sut.current();

    sut.swap(db('GHSA-1', 'GHSA-2'));

    const result = scanDb.match([{ type: 'npm', name: 'left-pad', version: '1.0.0' }]);
    expect(result.dbVersion).toBe(first.version);
    expect(result.findings.map((f) => f.vulnerabilityId)).toEqual(['GHSA-1']);
    expect(sut.current().match([{ type: 'npm', name: 'left-pad', version: '1.0.0' }]).findings.map((f) => f.vulnerabilityId).sort()).toEqual(['GHSA-1', 'GHSA-2']);
  });
});
