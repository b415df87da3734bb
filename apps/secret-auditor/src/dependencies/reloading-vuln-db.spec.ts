import { type VulnDb, VulnDbBuilder, VulnDbError } from '@portcullis/vulndb';
import { describe, expect, it } from 'vitest';
import { ReloadingVulnDb } from './reloading-vuln-db.js';

function db(...ids: string[]): VulnDb {
  const builder = new VulnDbBuilder();
  for (const id of ids) {
    builder.addJson(JSON.stringify({ id, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, versions: ['1.0.0'] }] }), `${id}.json`);
  }
  return builder.build();
}

const logger = { info: () => undefined, warn: () => undefined };

describe('ReloadingVulnDb', () => {
  it('swaps to a rebuilt database with a new version, and keeps the current one when the version is the same', async () => {
    const first = db('GHSA-1');
    let next = db('GHSA-1');
    const sut = new ReloadingVulnDb(first, { load: () => Promise.resolve(next), refreshMs: 60_000, logger });

    expect(await sut.reload()).toBe('unchanged');
    expect(sut.current()).toBe(first);

    next = db('GHSA-1', 'GHSA-2');
    expect(await sut.reload()).toBe('swapped');
    expect(sut.current()).toBe(next);
  });

  it('keeps the current database when the source fails, logging the code only', async () => {
    const first = db('GHSA-1');
    const warnings: object[] = [];
    const sut = new ReloadingVulnDb(first, {
      load: () => Promise.reject(new VulnDbError('SOURCE_UNREADABLE', 'download failed: network error')),
      refreshMs: 60_000,
      logger: { info: () => undefined, warn: (obj) => warnings.push(obj) },
    });

    expect(await sut.reload()).toBe('failed');
    expect(sut.current()).toBe(first);
    expect(warnings).toEqual([{ code: 'SOURCE_UNREADABLE', version: first.version }]);
  });
});
