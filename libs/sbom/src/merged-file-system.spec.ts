import { describe, expect, it } from 'vitest';
import { tarBytes, chunked, type TestEntry } from '../test/layers.js';
import { MergedFileSystem, type MergedLayerSource } from './merged-file-system.js';

/** Layers built in memory; `opened` counts how often each was read. */
async function image(...layers: TestEntry[][]): Promise<{ sources: MergedLayerSource[]; opened: number[] }> {
  const opened = layers.map(() => 0);
  const sources = await Promise.all(
    layers.map(async (entries, i) => {
      const bytes = await tarBytes(entries);
      return {
        digest: `sha256:${String(i).padStart(64, '0')}`,
        tar: async () => {
          opened[i]!++;
          return chunked(bytes);
        },
      };
    }),
  );
  return { sources, opened };
}

const text = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8'));

describe('MergedFileSystem', () => {
  it('lists what is visible after whiteouts, opaque directories and replacements, with owner and mode', async () => {
    const { sources } = await image(
      [
        { name: 'etc/' },
        { name: 'etc/passwd', content: 'root:x:0:0\n', uid: 0, gid: 0 },
        { name: 'app/' },
        { name: 'app/.env', content: 'TOKEN=1\n' },
        { name: 'cache/' },
        { name: 'cache/a', content: 'a' },
        { name: 'bin/sh', content: '#!', mode: 0o4755 },
        { name: 'data/' },
        { name: 'data/old', content: 'x' },
      ],
      [
        { name: 'app/.wh..env', content: '' },
        { name: 'cache/.wh..wh..opq', content: '' },
        { name: 'cache/b', content: 'b', uid: 1000, gid: 1000 },
        { name: 'data', content: 'now a file' },
        { name: 'usr/bin/sh', type: 'symlink', linkname: '/bin/sh' },
      ],
    );
    const fs = await MergedFileSystem.index(sources);
    const listed = Object.fromEntries([...fs.entries()].map((e) => [e.path, e]));

    expect(Object.keys(listed).sort()).toEqual(['app', 'bin/sh', 'cache', 'cache/b', 'data', 'etc', 'etc/passwd', 'usr/bin/sh']);
    expect(listed['cache/b']).toMatchObject({ type: 'file', uid: 1000, gid: 1000, size: 1 });
    expect(listed['bin/sh']).toMatchObject({ type: 'file', mode: 0o4755 });
    expect(listed['data']).toMatchObject({ type: 'file', size: 'now a file'.length });
    expect(listed['usr/bin/sh']).toMatchObject({ type: 'symlink', size: 0 });
    expect(listed['app']).toMatchObject({ type: 'directory', mode: 0o755 });
  });

  it('reads a head from the layer that owns the file, and nothing for what is gone or not a file', async () => {
    const { sources } = await image(
      [{ name: 'a.txt', content: 'lower version' }, { name: 'gone', content: 'secret-ish' }, { name: 'dir/' }],
      [{ name: 'a.txt', content: 'upper version' }, { name: '.wh.gone', content: '' }, { name: 'hard', type: 'link', linkname: 'a.txt' }],
    );
    const fs = await MergedFileSystem.index(sources);

    expect(text(await fs.readHead('a.txt', 5))).toBe('upper');
    expect(text(await fs.readHead('/a.txt', 100))).toBe('upper version');
    expect(text(await fs.readHead('hard', 100))).toBe('upper version');
    expect(await fs.readHead('gone', 100)).toBeUndefined();
    expect(await fs.readHead('dir', 100)).toBeUndefined();
    expect(await fs.readHead('../etc/passwd', 100)).toBeUndefined();
  });

  it('prefetches many heads with one pass per owning layer, then serves reads from memory', async () => {
    const lower = Array.from({ length: 30 }, (_, i) => ({ name: `certs/${i}.pem`, content: `-----BEGIN CERTIFICATE----- ${i}` }));
    const { sources, opened } = await image(lower, [{ name: 'app/config.yaml', content: 'key: value' }], [{ name: 'unrelated', content: 'u' }]);
    const fs = await MergedFileSystem.index(sources);
    expect(opened).toEqual([1, 1, 1]);

    await fs.prefetch([...lower.map((e) => ({ path: e.name, maxBytes: 64 })), { path: 'app/config.yaml', maxBytes: 3 }]);
    expect(opened).toEqual([2, 2, 1]);

    expect(text(await fs.readHead('certs/29.pem', 64))).toBe('-----BEGIN CERTIFICATE----- 29');
    expect(text(await fs.readHead('app/config.yaml', 3))).toBe('key');
    expect(opened).toEqual([2, 2, 1]);
    // Asking for more than was kept reads the layer again.
    expect(text(await fs.readHead('app/config.yaml', 100))).toBe('key: value');
    expect(opened).toEqual([2, 3, 1]);
  });

  it('keeps prefetched heads within its byte budget', async () => {
    const { sources, opened } = await image([
      { name: 'a', content: 'x'.repeat(100) },
      { name: 'b', content: 'y'.repeat(100) },
    ]);
    const fs = await MergedFileSystem.index(sources, { maxPrefetchBytes: 150 });
    await fs.prefetch([
      { path: 'a', maxBytes: 100 },
      { path: 'b', maxBytes: 100 },
    ]);
    expect(opened).toEqual([2]);
    expect(text(await fs.readHead('b', 100))).toBe('y'.repeat(100));
    expect(opened).toEqual([3]);
  });

  it('refuses a layer with more entries than the limit', async () => {
    const { sources } = await image(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, content: 'x' })));
    await expect(MergedFileSystem.index(sources, { limits: { maxEntries: 4 } })).rejects.toMatchObject({ code: 'LAYER_TOO_LARGE' });
  });
});
