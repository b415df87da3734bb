import type { Readable } from 'node:stream';
import { SbomError } from './errors.js';
import { drainEntry, walkTarEntries, type TarEntry } from './layer-walk.js';
import { resolveLimits, type LayerLimits } from './limits.js';
import { basename, dirname, isAtOrBelow, normaliseEntryName } from './paths.js';

/** One entry of the merged file system (hard links count as files). */
export interface MergedEntry {
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
  /** Permission bits incl. setuid/setgid/sticky. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Bytes of a regular file (of its target for a hard link); 0 otherwise. */
  readonly size: number;
}

/** A layer as the index reads it: opened (decompressed) only when needed, possibly twice. */
export interface MergedLayerSource {
  readonly digest: string;
  readonly tar: () => Promise<Readable>;
}

export interface MergedFileSystemOptions {
  /** The SBOM index's bounds (`maxLayerBytes`, `maxEntries`, `maxPathLength`). */
  readonly limits?: Partial<LayerLimits>;
  /** Bytes of file heads `prefetch` keeps in memory at most (default 256 MiB). */
  readonly maxPrefetchBytes?: number;
}

interface Located extends MergedEntry {
  readonly layer: number;
  /** The name to look for in the layer: the hard link's target, else the path. */
  readonly source: string;
}

const DEFAULT_MAX_PREFETCH_BYTES = 256 * 1024 * 1024;

/** Stops a layer walk once every wanted head was read (caught below, never escapes). */
class WalkDone extends Error {}

/**
 * An image's final file system — every entry still visible after the layers are stacked with OCI
 * whiteout semantics — with the leading bytes of its files on demand. It holds the entries'
 * metadata, not their content: `readHead` re-reads the layer that owns a file, and `prefetch`
 * reads many heads with at most one pass per layer. Shaped as `@portcullis/image-tests`'s
 * `ImageFileSystem`, for the image tests' content checks.
 */
export class MergedFileSystem {
  private readonly heads = new Map<string, { bytes: Buffer; complete: boolean }>();

  private constructor(
    private readonly layers: readonly MergedLayerSource[],
    private readonly view: ReadonlyMap<string, Located>,
    private readonly limits: LayerLimits,
    private readonly maxPrefetchBytes: number,
  ) {}

  /** Reads every layer once (headers only; contents are skipped) and stacks them, bottom first. */
  static async index(layers: readonly MergedLayerSource[], options: MergedFileSystemOptions = {}): Promise<MergedFileSystem> {
    const limits = resolveLimits(options.limits);
    const view = new Map<string, Located>();
    for (const [index, layer] of layers.entries()) {
      const own = new Map<string, Located>();
      const hidden: string[] = [];
      const links: { path: string; target: string; header: TarEntry['header'] }[] = [];
      let entries = 0;
      await walkTarEntries(layer.digest, await layer.tar(), limits.maxLayerBytes, async (entry) => {
        await drainEntry(entry);
        if (++entries > limits.maxEntries) throw new SbomError('LAYER_TOO_LARGE', `layer has more than ${limits.maxEntries} entries`);
        const name = normaliseEntryName(entry.header.name);
        // Unsafe and over-long names are the SBOM walk's to report; they are not in the view.
        if (!name.ok || name.path === '' || name.path.length > limits.maxPathLength) return;
        const path = name.path;
        const base = basename(path);
        if (base === '.wh..wh..opq') {
          // Hides what lower layers put below the directory, not the directory itself.
          const dir = dirname(path);
          for (const below of view.keys()) if (below !== dir && isAtOrBelow(below, dir)) hidden.push(below);
          return;
        }
        if (base.startsWith('.wh.')) {
          const dir = dirname(path);
          hidden.push(dir ? `${dir}/${base.slice(4)}` : base.slice(4));
          return;
        }
        const header = entry.header;
        if (header.type === 'link') {
          const target = normaliseEntryName(header.linkname ?? '');
          if (target.ok && target.path !== '') links.push({ path, target: target.path, header });
          return;
        }
        own.set(path, {
          path,
          type: header.type === 'file' || header.type === 'contiguous-file' ? 'file' : header.type === 'directory' ? 'directory' : header.type === 'symlink' ? 'symlink' : 'other',
          mode: (header.mode ?? 0) & 0o7777,
          uid: header.uid ?? 0,
          gid: header.gid ?? 0,
          size: header.type === 'file' || header.type === 'contiguous-file' ? (header.size ?? 0) : 0,
          layer: index,
          source: path,
        });
      });
      for (const link of links) {
        const target = own.get(link.target);
        if (target?.type !== 'file') continue; // a link to a lower layer's file is not valid OCI
        own.set(link.path, { ...target, path: link.path, mode: (link.header.mode ?? target.mode) & 0o7777 });
      }
      if (hidden.length > 0) {
        for (const path of [...view.keys()]) if (hidden.some((prefix) => isAtOrBelow(path, prefix))) view.delete(path);
      }
      for (const [path, entry] of own) {
        // A directory replaced by anything else takes its lower children with it.
        if (entry.type !== 'directory' && view.get(path)?.type === 'directory') {
          for (const below of [...view.keys()]) if (below !== path && isAtOrBelow(below, path)) view.delete(below);
        }
        view.set(path, entry);
      }
    }
    return new MergedFileSystem(layers, view, limits, options.maxPrefetchBytes ?? DEFAULT_MAX_PREFETCH_BYTES);
  }

  /** Every visible entry, each path once. */
  *entries(): Iterable<MergedEntry> {
    for (const { path, type, mode, uid, gid, size } of this.view.values()) yield { path, type, mode, uid, gid, size };
  }

  get size(): number {
    return this.view.size;
  }

  /**
   * Reads the heads of many files with one pass per layer that owns any of them, and keeps them
   * (within `maxPrefetchBytes`, in request order) for `readHead`.
   */
  async prefetch(requests: readonly { readonly path: string; readonly maxBytes: number }[]): Promise<void> {
    let budget = this.maxPrefetchBytes - [...this.heads.values()].reduce((sum, head) => sum + head.bytes.byteLength, 0);
    const perLayer = new Map<number, Map<string, { paths: string[]; maxBytes: number }>>();
    for (const { path, maxBytes } of requests) {
      const entry = this.view.get(normalise(path));
      if (entry?.type !== 'file' || this.heads.has(entry.path)) continue;
      const bytes = Math.min(maxBytes, entry.size);
      if (bytes > budget) break;
      budget -= bytes;
      const wanted = perLayer.get(entry.layer) ?? new Map<string, { paths: string[]; maxBytes: number }>();
      const slot = wanted.get(entry.source) ?? { paths: [], maxBytes: 0 };
      slot.paths.push(entry.path);
      slot.maxBytes = Math.max(slot.maxBytes, bytes);
      wanted.set(entry.source, slot);
      perLayer.set(entry.layer, wanted);
    }
    for (const [layer, wanted] of perLayer) {
      await this.readLayerHeads(layer, wanted);
    }
  }

  /** At most `maxBytes` from the start of the regular file at `path`; `undefined` when there is none. */
  async readHead(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const entry = this.view.get(normalise(path));
    if (entry?.type !== 'file') return undefined;
    const kept = this.heads.get(entry.path);
    if (kept && (kept.complete || kept.bytes.byteLength >= maxBytes)) return kept.bytes.subarray(0, maxBytes);
    const bytes = Math.min(maxBytes, entry.size);
    const found = await this.readLayerHeads(entry.layer, new Map([[entry.source, { paths: [], maxBytes: bytes }]]));
    return found.get(entry.source) ?? new Uint8Array(0);
  }

  private async readLayerHeads(layer: number, wanted: ReadonlyMap<string, { paths: string[]; maxBytes: number }>): Promise<Map<string, Buffer>> {
    const source = this.layers[layer]!;
    const found = new Map<string, Buffer>();
    try {
      await walkTarEntries(source.digest, await source.tar(), this.limits.maxLayerBytes, async (entry) => {
        const name = normaliseEntryName(entry.header.name);
        const slot = name.ok && !found.has(name.path) ? wanted.get(name.path) : undefined;
        if (!name.ok || !slot) return drainEntry(entry);
        const head = await readAtMost(entry, slot.maxBytes);
        found.set(name.path, head);
        for (const path of slot.paths) this.heads.set(path, { bytes: head, complete: head.byteLength >= (this.view.get(path)?.size ?? 0) });
        if (found.size === wanted.size) throw new WalkDone();
      });
    } catch (error) {
      if (!(error instanceof WalkDone)) throw error;
    }
    return found;
  }
}

function normalise(path: string): string {
  const name = normaliseEntryName(path.replace(/^\/+/, ''));
  return name.ok ? name.path : '';
}

/** The first `max` bytes of an entry; the rest is drained. */
async function readAtMost(entry: TarEntry, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of entry as AsyncIterable<Buffer>) {
    if (kept >= max) continue;
    const part = chunk.subarray(0, max - kept);
    chunks.push(part);
    kept += part.length;
  }
  return Buffer.concat(chunks, kept);
}
