import { RegistryError } from '@portcullis/registry';
import { open } from 'node:fs/promises';
import { posix } from 'node:path';
import type { FileRange } from './local-blob.js';

/** Bounds on what a docker archive may make us hold in memory. */
const MAX_ENTRIES = 100_000;
const MAX_META_BYTES = 1024 * 1024;
const BLOCK = 512;

/**
 * Where each regular file of an uncompressed tar sits, found by reading only the headers: a
 * `docker save` archive names its manifest last, and its layers are read at random afterwards, so
 * nothing is extracted to disk. Understands ustar (with prefix), pax `path`/`size`/`linkpath`
 * records and GNU long names; symbolic links (older `docker save` links duplicate layers) are
 * kept and followed on lookup.
 */
export class TarIndex {
  private constructor(
    private readonly files: ReadonlyMap<string, FileRange>,
    private readonly links: ReadonlyMap<string, string>,
  ) {}

  static async read(path: string): Promise<TarIndex> {
    const files = new Map<string, FileRange>();
    const links = new Map<string, string>();
    const bad = (why: string) => new RegistryError('MANIFEST_INVALID', `${path}: not a readable tar archive (${why})`);
    const handle = await open(path, 'r');
    try {
      const { size: total } = await handle.stat();
      const header = Buffer.alloc(BLOCK);
      let offset = 0;
      let pax: Record<string, string> = {};
      let longName: string | undefined;
      let longLink: string | undefined;
      for (let count = 0; ; count++) {
        if (count > MAX_ENTRIES) throw new RegistryError('SIZE_LIMIT', `${path}: more than ${MAX_ENTRIES} tar entries`);
        if (offset >= total && count > 0) break; // some writers omit the two zero blocks
        if (offset + BLOCK > total) throw bad(count === 0 ? 'empty file' : 'truncated header');
        const { bytesRead } = await handle.read(header, 0, BLOCK, offset);
        if (bytesRead !== BLOCK) throw bad('truncated header');
        if (header.every((b) => b === 0)) break;
        if (!checksumOk(header)) throw bad(`bad header checksum at byte ${offset}`);
        const type = String.fromCharCode(header[156] ?? 0);
        const size = pax['size'] !== undefined ? Number(pax['size']) : numberField(header, 124, 12);
        if (!Number.isSafeInteger(size) || size < 0) throw bad(`bad entry size at byte ${offset}`);
        const dataStart = offset + BLOCK;
        if (dataStart + size > total) throw bad('truncated entry');
        offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
        if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
          if (size > MAX_META_BYTES) throw bad('oversized metadata entry');
          const data = Buffer.alloc(size);
          await handle.read(data, 0, size, dataStart);
          if (type === 'x') pax = parsePax(data);
          else if (type === 'L') longName = cString(data, 0, size);
          else if (type === 'K') longLink = cString(data, 0, size);
          continue; // global pax headers ('g') carry nothing we use
        }
        const name = normalise(pax['path'] ?? longName ?? headerName(header));
        const linkTarget = pax['linkpath'] ?? longLink ?? cString(header, 157, 100);
        pax = {};
        longName = undefined;
        longLink = undefined;
        if (name === undefined) continue;
        if (type === '0' || type === '\0' || type === '7') files.set(name, { path, start: dataStart, length: size });
        else if (type === '2') links.set(name, posix.join(posix.dirname(name), linkTarget));
        else if (type === '1') links.set(name, linkTarget);
      }
    } finally {
      await handle.close();
    }
    return new TarIndex(files, links);
  }

  /** The file at `name` (`./` and leading `/` ignored), following up to 8 links; undefined when absent. */
  get(name: string): FileRange | undefined {
    let current = normalise(name);
    for (let hops = 0; current !== undefined && hops <= 8; hops++) {
      const file = this.files.get(current);
      if (file) return file;
      const target = this.links.get(current);
      current = target === undefined ? undefined : normalise(target);
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

/** `./a//b` → `a/b`; a name climbing out of the archive is dropped (undefined). */
function normalise(name: string): string | undefined {
  const cleaned = posix.normalize(name.replace(/^\/+/, ''));
  if (cleaned === '.' || cleaned === '' || cleaned.startsWith('..')) return undefined;
  return cleaned.replace(/\/$/, '');
}

function cString(buffer: Buffer, start: number, length: number): string {
  const slice = buffer.subarray(start, start + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end === -1 ? slice.length : end).toString('utf8');
}

function headerName(header: Buffer): string {
  const name = cString(header, 0, 100);
  const ustar = header.subarray(257, 262).toString('latin1') === 'ustar';
  const prefix = ustar ? cString(header, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** Octal, or GNU base-256 when the high bit of the first byte is set. */
function numberField(header: Buffer, start: number, length: number): number {
  const field = header.subarray(start, start + length);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const text = cString(header, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  return sum === numberField(header, 148, 8);
}

/** pax extended header records: `<len> <key>=<value>\n`. */
function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number(data.subarray(at, space).toString('latin1'));
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > data.length) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return records;
}
