import type { FsEntry, ImageFileSystem } from '../src/index.js';

/** A file in an in-memory image tree: content, or an entry with its metadata. */
export type MemoryFile = string | (Partial<Omit<FsEntry, 'path'>> & { content?: string });

/**
 * An `ImageFileSystem` over a plain object (`{ 'usr/bin/sh': '#!…', 'app': { type: 'directory' } }`),
 * recording which files were read (and announced to `prefetch`) and how many bytes were asked for.
 */
export function memoryFileSystem(
  tree: Record<string, MemoryFile>,
): ImageFileSystem & { reads: { path: string; maxBytes: number }[]; prefetched: { path: string; maxBytes: number }[][] } {
  const reads: { path: string; maxBytes: number }[] = [];
  const prefetched: { path: string; maxBytes: number }[][] = [];
  const entries: (FsEntry & { content?: string })[] = Object.entries(tree).map(([path, file]) => {
    const spec = typeof file === 'string' ? { content: file } : file;
    const type = spec.type ?? (spec.content !== undefined ? 'file' : 'directory');
    return {
      path,
      type,
      mode: spec.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: spec.uid ?? 0,
      gid: spec.gid ?? 0,
      size: spec.content !== undefined ? Buffer.byteLength(spec.content) : 0,
      ...(spec.content !== undefined ? { content: spec.content } : {}),
    };
  });
  return {
    reads,
    prefetched,
    prefetch: (requests) => {
      prefetched.push([...requests]);
      return Promise.resolve();
    },
    entries: () => entries.map(({ content: _content, ...entry }) => entry),
    readHead: (path, maxBytes) => {
      reads.push({ path, maxBytes });
      const entry = entries.find((e) => e.path === path);
      if (!entry || entry.type !== 'file' || entry.content === undefined) return Promise.resolve(undefined);
      return Promise.resolve(Uint8Array.from(Buffer.from(entry.content).subarray(0, maxBytes)));
    },
  };
}
