import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { RegistryError } from './registry.error.js';

function hashOf(digest: string): { hash: Hash; expected: string } {
  const [algorithm, expected] = digest.split(':') as [string, string];
  return { hash: createHash(algorithm), expected };
}

/**
 * Passes bytes through while hashing and counting them; fails with DIGEST_MISMATCH as soon as
 * more than `size` bytes arrive, and at the end if the count or the digest differ. Consumers
 * therefore never see the end of a stream whose content was not verified.
 */
export class DigestVerifier extends Transform {
  private readonly hash: Hash;
  private readonly expected: string;
  private seen = 0;

  constructor(
    private readonly digest: string,
    private readonly size: number | undefined,
    private readonly what: string,
  ) {
    super();
    ({ hash: this.hash, expected: this.expected } = hashOf(digest));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.size !== undefined && this.seen > this.size) {
      callback(new RegistryError('DIGEST_MISMATCH', `${this.what}: more than the ${this.size} bytes its descriptor announces`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.size !== undefined && this.seen !== this.size) {
      callback(new RegistryError('DIGEST_MISMATCH', `${this.what}: ${this.seen} bytes, descriptor says ${this.size} (truncated)`));
      return;
    }
    const actual = this.hash.digest('hex');
    if (actual !== this.expected) {
      callback(new RegistryError('DIGEST_MISMATCH', `${this.what}: content hashes to ${this.digest.split(':')[0]}:${actual}, expected ${this.digest}`));
      return;
    }
    callback();
  }
}

/** Fails with SIZE_LIMIT once more than `max` bytes passed: the decompression-bomb guard. */
export class ByteCap extends Transform {
  private seen = 0;
  constructor(
    private readonly max: number,
    private readonly what: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) {
      callback(new RegistryError('SIZE_LIMIT', `${this.what}: expands beyond ${this.max} bytes (limit maxLayerUncompressedBytes)`));
      return;
    }
    callback(null, chunk);
  }
}

/**
 * Pipes `from` into `to` so that an error on either side ends both: errors of `from` reach
 * `to`'s consumer (mapped by `mapError`), and destroying `to` stops `from` (and so the download).
 */
export function link<T extends NodeJS.WritableStream & Readable>(from: Readable, to: T, mapError: (error: unknown) => Error = (e) => e as Error): T {
  from.on('error', (error) => to.destroy(mapError(error)));
  to.on('close', () => {
    if (!from.destroyed) from.destroy();
  });
  from.pipe(to);
  return to;
}

/** Reads a whole body, failing with SIZE_LIMIT past `max` bytes without buffering more. */
export async function readBounded(body: Readable, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total > max) {
      body.destroy();
      throw new RegistryError('SIZE_LIMIT', `${what}: larger than ${max} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}
