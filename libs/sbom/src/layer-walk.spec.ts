import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { type LayerWalkEntry, walkLayer } from './layer-walk.js';

type Spec = { name: string; content?: string; type?: 'file' | 'link' | 'symlink' | 'directory'; linkname?: string };

async function tarOf(entries: Spec[]): Promise<Readable> {
  const archive = pack();
  for (const e of entries) archive.entry({ name: e.name, type: e.type ?? 'file', ...(e.linkname ? { linkname: e.linkname } : {}) }, e.content ?? '');
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Readable.from([Buffer.concat(chunks)]);
}

async function walk(entries: Spec[], options: Parameters<typeof walkLayer>[3] = {}): Promise<{ seen: unknown[]; stats: { entries: number; bytes: number } }> {
  const seen: unknown[] = [];
  const stats = await walkLayer(
    'sha256:abc',
    await tarOf(entries),
    async (entry: LayerWalkEntry) => {
      if (entry.kind === 'file') seen.push({ kind: 'file', path: entry.path, size: entry.size, text: entry.path.endsWith('.txt') ? (await entry.read()).toString() : undefined });
      else seen.push(entry);
    },
    options,
  );
  return { seen, stats };
}

describe('walkLayer', () => {
  it('shows files (normalised), hard links, whiteouts and opaque directories; not directories or symlinks', async () => {
    const { seen, stats } = await walk([
      { name: './etc/', type: 'directory' },
      { name: './etc/a.txt', content: 'hello' },
      { name: 'etc/b.bin', content: 'unread' },
      { name: 'etc/c.txt', type: 'link', linkname: 'etc/a.txt' },
      { name: 'usr/bin/sh', type: 'symlink', linkname: '/bin/busybox' },
      { name: 'root/.wh..npmrc' },
      { name: 'opt/cache/.wh..wh..opq' },
    ]);

    expect(seen).toEqual([
      { kind: 'file', path: 'etc/a.txt', size: 5, text: 'hello' },
      { kind: 'file', path: 'etc/b.bin', size: 6, text: undefined },
      { kind: 'hardlink', path: 'etc/c.txt', target: 'etc/a.txt' },
      { kind: 'whiteout', path: 'root/.npmrc' },
      { kind: 'opaque', path: 'opt/cache' },
    ]);
    expect(stats.entries).toBe(7);
  });

  it('applies the SBOM walk bounds: unsafe names fail the layer, or are reported as skipped on request', async () => {
    await expect(walk([{ name: '../etc/passwd', content: 'x' }])).rejects.toMatchObject({ code: 'UNSAFE_ENTRY' });
    const { seen } = await walk([{ name: '../etc/passwd', content: 'x' }], { onUnsafeEntry: 'warn' });
    expect(seen).toEqual([{ kind: 'skipped', path: '../etc/passwd', reason: 'UNSAFE_ENTRY' }]);
  });

  it('reports an over-long path as skipped and stops a layer past its entry or byte bound', async () => {
    expect((await walk([{ name: `${'d/'.repeat(40)}f`, content: 'x' }], { limits: { maxPathLength: 20 } })).seen).toEqual([
      { kind: 'skipped', path: `${'d/'.repeat(40)}f`, reason: 'PATH_TOO_LONG' },
    ]);
    await expect(walk([{ name: 'a' }, { name: 'b' }], { limits: { maxEntries: 1 } })).rejects.toMatchObject({ code: 'LAYER_TOO_LARGE' });
    await expect(walk([{ name: 'a', content: 'x'.repeat(4096) }], { limits: { maxLayerBytes: 1024 } })).rejects.toMatchObject({ code: 'LAYER_TOO_LARGE' });
  });
});
