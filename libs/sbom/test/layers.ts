import { Readable } from 'node:stream';
import { pack } from 'tar-stream';

/** One tar entry of a test layer. `content` makes a regular file unless `type` says otherwise. */
export interface TestEntry {
  readonly name: string;
  readonly content?: string | Buffer;
  readonly type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device';
  readonly linkname?: string;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
}

/** The bytes of a tar archive holding `entries`, in order (built in memory with tar-stream). */
export async function tarBytes(entries: readonly TestEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of archive as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const entry of entries) {
    const type = entry.type ?? (entry.content === undefined ? 'directory' : 'file');
    const header = {
      name: entry.name,
      type,
      mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644),
      ...(entry.linkname !== undefined ? { linkname: entry.linkname } : {}),
      ...(entry.uid !== undefined ? { uid: entry.uid } : {}),
      ...(entry.gid !== undefined ? { gid: entry.gid } : {}),
    };
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (type === 'file') archive.entry(header, entry.content ?? '', done);
      else archive.entry(header, done);
    });
  }
  archive.finalize();
  await collected;
  return Buffer.concat(chunks);
}

/** A readable over `bytes` in small chunks, so parsers meet chunk boundaries everywhere. */
export function chunked(bytes: Buffer, chunkSize = 1000): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

/** A layer stream of `entries`. */
export async function layer(entries: readonly TestEntry[]): Promise<Readable> {
  return chunked(await tarBytes(entries));
}

/** A dpkg status stanza. */
export function dpkgStanza(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n');
}
