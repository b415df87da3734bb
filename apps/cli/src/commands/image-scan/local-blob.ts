import { RegistryError } from '@portcullis/registry';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';

/** A byte range of a local file: a whole blob of an OCI layout, or an entry inside a docker archive. */
export interface FileRange {
  readonly path: string;
  readonly start: number;
  readonly length: number;
}

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** Streams the bytes of a range (an empty range gives an empty stream). */
export function openRange(range: FileRange): Readable {
  if (range.length === 0) {
    const empty = new PassThrough();
    empty.end();
    return empty;
  }
  return createReadStream(range.path, { start: range.start, end: range.start + range.length - 1 });
}

/** Reads a whole range into memory, refusing more than `max` bytes. */
export async function readRange(range: FileRange, max: number, what: string): Promise<Buffer> {
  if (range.length > max) throw new RegistryError('SIZE_LIMIT', `${what}: ${range.length} bytes, limit ${max}`);
  const handle = await open(range.path, 'r');
  try {
    const buffer = Buffer.alloc(range.length);
    const { bytesRead } = await handle.read(buffer, 0, range.length, range.start);
    if (bytesRead !== range.length) throw new RegistryError('LAYER_CORRUPT', `${what}: file is shorter than expected`);
    return buffer;
  } finally {
    await handle.close();
  }
}

/** Hex digest of a stream with the digest's algorithm. */
async function hashOf(stream: Readable, algorithm: 'sha256' | 'sha512'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return `${algorithm}:${hash.digest('hex')}`;
}

function algorithmOf(digest: string, what: string): 'sha256' | 'sha512' {
  if (!DIGEST.test(digest)) throw new RegistryError('MANIFEST_INVALID', `${what}: ${digest.slice(0, 80)} is not a sha256/sha512 digest`);
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

/**
 * Verifies a local blob before anything reads it: a wrong size or digest is DIGEST_MISMATCH, so a
 * corrupted blob is reported as such instead of as whatever the parser makes of the bad bytes.
 */
export async function verifyRange(range: FileRange, digest: string, size: number | undefined, what: string): Promise<void> {
  const algorithm = algorithmOf(digest, what);
  if (size !== undefined && range.length !== size) {
    throw new RegistryError('DIGEST_MISMATCH', `${what}: ${range.length} bytes on disk, descriptor says ${size}`);
  }
  const actual = await hashOf(openRange(range), algorithm);
  if (actual !== digest) throw new RegistryError('DIGEST_MISMATCH', `${what}: content hashes to ${actual}, expected ${digest}`);
}

/** Verifies the uncompressed content of a (possibly compressed) range against a diff id. */
export async function verifyUncompressed(range: FileRange, compression: Compression, diffId: string, what: string): Promise<void> {
  const algorithm = algorithmOf(diffId, what);
  const actual = await hashOf(await decompressed(range, compression, what), algorithm);
  if (actual !== diffId) throw new RegistryError('DIGEST_MISMATCH', `${what}: uncompressed content hashes to ${actual}, config diff_id is ${diffId}`);
}

export type Compression = 'gzip' | 'zstd' | 'none';

/** Compression of a range, by its magic bytes (docker archives do not name it). */
export async function sniffCompression(range: FileRange): Promise<Compression> {
  const head = await readRange({ ...range, length: Math.min(4, range.length) }, 4, range.path);
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length === 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** The range, decompressed; corrupt compression fails the stream with LAYER_CORRUPT. */
export async function decompressed(range: FileRange, compression: Compression, what: string): Promise<Readable> {
  const raw = openRange(range);
  if (compression === 'none') return raw;
  const decompressor = compression === 'gzip' ? createGunzip() : createZstdDecompress();
  const out = new PassThrough();
  const fail = (error: unknown) => out.destroy(new RegistryError('LAYER_CORRUPT', `${what}: ${compression} data is corrupt or truncated`, { cause: error }));
  raw.on('error', (error) => out.destroy(error));
  decompressor.on('error', fail);
  raw.pipe(decompressor).pipe(out);
  return out;
}
