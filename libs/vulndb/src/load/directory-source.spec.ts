import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { osvFixtureFiles } from '../../test/fixtures.js';
import { loadOsvDirectory } from './load-vuln-db.js';

describe('loadOsvDirectory', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vulndb-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads JSON files in nested folders (advisory-database layout) and nothing else', async () => {
    const files = osvFixtureFiles();
    for (const [i, [name, text]] of Object.entries(files).entries()) {
      const dir = join(root, 'advisories', String(2020 + (i % 3)), name.replace('.json', ''));
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, name), text);
    }
    await writeFile(join(root, 'README.md'), '# not a record');
    await symlink(join(root, 'advisories'), join(root, 'loop'));
    const sut = await loadOsvDirectory(root);
    expect(sut.report.records).toBe(Object.keys(files).length);
    expect(sut.report.issues).toEqual([]);
  });

  it('reports a file over the size limit without reading it', async () => {
    await writeFile(join(root, 'huge.json'), Buffer.alloc(4 * 1024 * 1024 + 1, 0x20));
    const sut = await loadOsvDirectory(root);
    expect(sut.report.issues).toEqual([expect.objectContaining({ source: 'huge.json', kind: 'too-large' })]);
  });

  it('fails with a retryable error when the directory cannot be read', async () => {
    await expect(loadOsvDirectory(join(root, 'missing'))).rejects.toMatchObject({ code: 'SOURCE_UNREADABLE', retryable: true });
  });

  it('enforces the file limit', async () => {
    for (const [name, text] of Object.entries(osvFixtureFiles())) await writeFile(join(root, name), text);
    await expect(loadOsvDirectory(root, { maxFiles: 3 })).rejects.toMatchObject({ code: 'SOURCE_TOO_LARGE' });
  });
});
