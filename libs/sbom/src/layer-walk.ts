import type { Readable } from 'node:stream';
import { extract as createExtract, type Extract } from 'tar-stream';
import { SbomError } from './errors.js';
import { resolveLimits, type LayerLimits } from './limits.js';
import { basename, dirname, normaliseEntryName, symlinkEscapes } from './paths.js';

/** A tar entry's content stream, with its header (the package types do not export the name). */
export type TarEntry = Extract extends AsyncIterable<infer S> ? S : never;

/**
 * Streams one (uncompressed) layer tar through `onEntry`, entry by entry, under the layer's byte
 * bound: a decompression bomb stops before the parser sees the excess. Errors of the tar itself
 * become `SbomError`s (`TRUNCATED_LAYER`, `INVALID_LAYER`, `LAYER_TOO_LARGE`); an error of the
 * caller's stream (a dropped download) is re-thrown as it is. Resolves to the bytes read.
 *
 * `onEntry` must consume (or drain) the entry's content before it resolves.
 */
export async function walkTarEntries(digest: string, tarStream: Readable, maxLayerBytes: number, onEntry: (entry: TarEntry) => Promise<void>): Promise<number> {
  const extract = createExtract();
  let bytes = 0;
  let sourceError: unknown;
  let aborted = false;

  // Feeds the parser by hand rather than with pipe(): the byte count must stop a bomb before the
  // parser sees the excess, and an error of the caller's stream must stay distinguishable.
  const pump = (async () => {
    try {
      for await (const chunk of tarStream as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > maxLayerBytes) {
          throw new SbomError('LAYER_TOO_LARGE', `layer ${digest} expands past ${maxLayerBytes} bytes`);
        }
        if (!extract.write(chunk)) await drained(extract);
        if (extract.destroyed) return;
      }
      extract.end(undefined);
    } catch (error) {
      if (aborted) return;
      sourceError = error;
      extract.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();

  try {
    for await (const entry of extract as AsyncIterable<TarEntry>) {
      await onEntry(entry);
    }
  } catch (error) {
    aborted = sourceError === undefined;
    tarStream.destroy();
    extract.destroy(error instanceof Error ? error : new Error(String(error)));
    await pump;
    throw classifyTarError(sourceError ?? error, digest);
  }
  await pump;
  if (sourceError) throw classifyTarError(sourceError, digest);
  return bytes;
}

/** What a layer walk shows a visitor: every entry, its name already normalised and checked. */
export type LayerWalkEntry =
  /** A regular file. `read()` buffers its content (call it at most once); unread content is drained. */
  | { readonly kind: 'file'; readonly path: string; readonly size: number; readonly mode: number; read(): Promise<Buffer> }
  /** A hard link to an earlier file of the same layer (same content). */
  | { readonly kind: 'hardlink'; readonly path: string; readonly target: string }
  /** `.wh.<name>`: `path` and everything below it in lower layers is deleted. */
  | { readonly kind: 'whiteout'; readonly path: string }
  /** `.wh..wh..opq`: everything lower layers put below the directory `path` is hidden. */
  | { readonly kind: 'opaque'; readonly path: string }
  /** An entry not read, and why (`PATH_TOO_LONG`, `UNSAFE_ENTRY` with `onUnsafeEntry: 'warn'`). */
  | { readonly kind: 'skipped'; readonly path: string; readonly reason: 'PATH_TOO_LONG' | 'UNSAFE_ENTRY' };

export interface WalkLayerOptions {
  /** The same bounds the SBOM index applies (`maxLayerBytes`, `maxEntries`, `maxPathLength`). */
  readonly limits?: Partial<LayerLimits>;
  /** As `IndexLayerOptions.onUnsafeEntry`: `fail` (default) rejects the layer with `UNSAFE_ENTRY`. */
  readonly onUnsafeEntry?: 'fail' | 'warn';
}

/**
 * The layer walk the SBOM index does, for other readers of layer files (the image scanner's secret
 * scan): the same byte and entry bounds, name normalisation and unsafe-entry handling, with
 * whiteouts and opaque directories reported as entries. Directories, symlinks and devices are not
 * shown. Resolves to what was read.
 */
export async function walkLayer(
  digest: string,
  tarStream: Readable,
  visit: (entry: LayerWalkEntry) => Promise<void>,
  options: WalkLayerOptions = {},
): Promise<{ readonly entries: number; readonly bytes: number }> {
  if (!digest) throw new SbomError('INVALID_INPUT', 'layer digest is empty');
  const limits = resolveLimits(options.limits);
  const onUnsafe = options.onUnsafeEntry ?? 'fail';
  let entries = 0;
  const unsafe = async (entry: TarEntry, name: string, reason: string): Promise<void> => {
    // The name is attacker-chosen: bound it before it reaches a message.
    const shown = name.slice(0, 200);
    if (onUnsafe === 'fail') throw new SbomError('UNSAFE_ENTRY', `unsafe tar entry ${JSON.stringify(shown)}: ${reason}`);
    await drainEntry(entry);
    await visit({ kind: 'skipped', path: shown, reason: 'UNSAFE_ENTRY' });
  };
  const bytes = await walkTarEntries(digest, tarStream, limits.maxLayerBytes, async (entry) => {
    const header = entry.header;
    if (++entries > limits.maxEntries) throw new SbomError('LAYER_TOO_LARGE', `layer has more than ${limits.maxEntries} entries`);
    const name = normaliseEntryName(header.name);
    if (!name.ok) return unsafe(entry, header.name, `entry name: ${name.reason}`);
    const path = name.path;
    if (path === '') return drainEntry(entry);
    if (path.length > limits.maxPathLength) {
      await drainEntry(entry);
      return visit({ kind: 'skipped', path: path.slice(0, 200), reason: 'PATH_TOO_LONG' });
    }
    const base = basename(path);
    if (base.startsWith('.wh.')) {
      await drainEntry(entry);
      const dir = dirname(path);
      if (base === '.wh..wh..opq') return visit({ kind: 'opaque', path: dir });
      return visit({ kind: 'whiteout', path: dir ? `${dir}/${base.slice(4)}` : base.slice(4) });
    }
    switch (header.type) {
      case 'symlink':
        if (symlinkEscapes(path, header.linkname ?? '')) return unsafe(entry, path, 'symlink target escapes the root');
        return drainEntry(entry);
      case 'link': {
        const target = normaliseEntryName(header.linkname ?? '');
        if (!target.ok || target.path === '') return unsafe(entry, path, `hard link target: ${target.ok ? 'the root' : target.reason}`);
        await drainEntry(entry);
        return visit({ kind: 'hardlink', path, target: target.path });
      }
      case 'file':
      case 'contiguous-file': {
        const size = header.size ?? 0;
        let read = false;
        await visit({
          kind: 'file',
          path,
          size,
          mode: header.mode ?? 0,
          read: () => {
            if (read) return Promise.reject(new SbomError('INVALID_INPUT', 'a layer file can be read once'));
            read = true;
            return readEntry(entry, size);
          },
        });
        if (!read) await drainEntry(entry);
        return;
      }
      default:
        return drainEntry(entry);
    }
  });
  return { entries, bytes };
}

function drained(stream: Extract): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed) return resolve();
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

function classifyTarError(error: unknown, digest: string): unknown {
  if (error instanceof SbomError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (message === 'Unexpected end of data' || code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message)) {
    return new SbomError('TRUNCATED_LAYER', `layer ${digest} is truncated`, error);
  }
  if (/tar header|Invalid header|Header exceeds/i.test(message) || (typeof code === 'string' && /^(Z_|ERR_ZSTD|ERR__ZSTD)/.test(code))) {
    return new SbomError('INVALID_LAYER', `layer ${digest} is not a valid tar archive: ${message}`, error);
  }
  return error;
}

/** The entry's content; at most `size` bytes are kept, so a lying header cannot grow the buffer. */
export async function readEntry(entry: TarEntry, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let read = 0;
  for await (const chunk of entry as AsyncIterable<Buffer>) {
    if (read + chunk.length <= size) chunks.push(chunk);
    read += chunk.length;
  }
  return Buffer.concat(chunks);
}

export async function drainEntry(entry: TarEntry): Promise<void> {
  for await (const _chunk of entry as AsyncIterable<Buffer>) {
    // discard
  }
}
