import { describe, expect, it } from 'vitest';

import { OSV_FIXTURE_DIR, osvFixtureFiles } from '../../test/fixtures.js';
import { zipOf } from '../../test/zip-writer.js';
import { VulnDbError } from '../errors.js';
import { loadOsvDirectory, loadOsvZip } from './load-vuln-db.js';

describe('loadOsvZip', () => {
  const files = osvFixtureFiles();

  it('loads an all.zip-style export into the same database as the directory', async () => {
    const sut = await loadOsvZip([{ bytes: zipOf(files), label: 'all.zip' }]);
    const fromDir = await loadOsvDirectory(OSV_FIXTURE_DIR);
    expect(sut.version).toBe(fromDir.version);
    expect(sut.report.records).toBe(Object.keys(files).length);
    expect(sut.match([{ type: 'npm', name: 'minimist', version: '1.2.5' }]).findings.map((f) => f.vulnerabilityId)).toEqual(['GHSA-xvch-5gv4-984h']);
  });

  it('combines several ecosystem zips and skips entries that are not JSON', async () => {
    const names = Object.keys(files);
    const half = Math.floor(names.length / 2);
    const first = Object.fromEntries(names.slice(0, half).map((n) => [n, files[n]!]));
    const second = Object.fromEntries([...names.slice(half).map((n) => [n, files[n]!]), ['README.txt', 'not a record'], ['nested/', '']]);
    const sut = await loadOsvZip([
      { bytes: zipOf(first), label: 'a.zip' },
      { bytes: zipOf(second), label: 'b.zip' },
    ]);
    expect(sut.report.records).toBe(names.length);
    expect(sut.report.issues).toEqual([]);
  });

  it('reports a bad entry with its zip path and keeps the rest', async () => {
    const sut = await loadOsvZip([{ bytes: zipOf({ ...files, 'BAD-1.json': '{"id": 5}' }), label: 'all.zip' }]);
    expect(sut.report.issues).toEqual([expect.objectContaining({ source: 'all.zip!BAD-1.json', kind: 'invalid' })]);
    expect(sut.report.records).toBe(Object.keys(files).length);
  });

  it('fails the whole import for a corrupt archive, so no partial database exists', async () => {
    const zip = zipOf(files);
    await expect(loadOsvZip([{ bytes: Buffer.from('PK\u0003\u0004 not really a zip'), label: 'x.zip' }])).rejects.toMatchObject({ code: 'INVALID_ARCHIVE' });
    const truncated = zip.subarray(0, zip.length - 30);
    await expect(loadOsvZip([{ bytes: truncated, label: 'x.zip' }])).rejects.toBeInstanceOf(VulnDbError);
  });

  it('enforces the entry and size limits', async () => {
    const zip = zipOf(files);
    await expect(loadOsvZip([{ bytes: zip, label: 'x.zip' }], { maxEntries: 2 })).rejects.toMatchObject({ code: 'SOURCE_TOO_LARGE', retryable: false });
    await expect(loadOsvZip([{ bytes: zip, label: 'x.zip' }], { maxTotalBytes: 1_000 })).rejects.toMatchObject({ code: 'SOURCE_TOO_LARGE' });
  });
});
