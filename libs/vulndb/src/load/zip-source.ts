import yauzl from 'yauzl';

import type { VulnDbBuilder } from '../db/vuln-db.js';
import { VulnDbError } from '../errors.js';
import { OSV_LIMITS } from '../osv/osv.schema.js';

/** Bounds of one zip import, against zip bombs and runaway exports. */
export interface ZipLimits {
  /** Entries in the archive (the OSV `all.zip` of the largest ecosystem holds a few hundred thousand). */
  readonly maxEntries?: number;
  /** Uncompressed bytes of all JSON entries together. */
  readonly maxTotalBytes?: number;
}

const DEFAULT_MAX_ENTRIES = 2_000_000;
const DEFAULT_MAX_TOTAL_BYTES = 8 * 1024 * 1024 * 1024;

function openZip(buffer: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) => {
      if (err !== null) reject(new VulnDbError('INVALID_ARCHIVE', `not a readable zip archive: ${err.message}`, err));
      else resolve(zip);
    });
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err !== null) {
        reject(new VulnDbError('INVALID_ARCHIVE', `entry ${entry.fileName} cannot be read: ${err.message}`, err));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (e: Error) => reject(new VulnDbError('INVALID_ARCHIVE', `entry ${entry.fileName} is corrupt: ${e.message}`, e)));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/**
 * Adds every `*.json` entry of an OSV zip export (the `all.zip` of
 * `https://osv-vulnerabilities.storage.googleapis.com/<ecosystem>/all.zip`: one `<ID>.json` per
 * record, at the root; nested folders are read too) to `builder`. Entries larger than a record may
 * be are reported without being inflated. A corrupt archive or one over the limits throws
 * `VulnDbError`, so a partial archive never becomes a database.
 */
export async function addOsvZip(builder: VulnDbBuilder, zipBytes: Buffer, label: string, limits: ZipLimits = {}): Promise<void> {
  const maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxTotalBytes = limits.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  const zip = await openZip(zipBytes);
  if (zip.entryCount > maxEntries) {
    zip.close();
    throw new VulnDbError('SOURCE_TOO_LARGE', `${label}: ${zip.entryCount} entries > ${maxEntries}`);
  }
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (e: Error) => reject(new VulnDbError('INVALID_ARCHIVE', `${label}: ${e.message}`, e)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const next = (): void => zip.readEntry();
        const name = entry.fileName;
        const source = `${label}!${name}`;
        if (name.endsWith('/') || !name.toLowerCase().endsWith('.json')) {
          next();
          return;
        }
        if (entry.uncompressedSize > OSV_LIMITS.maxRecordBytes) {
          builder.reject({ id: undefined, source, kind: 'too-large', reason: `${entry.uncompressedSize} bytes > ${OSV_LIMITS.maxRecordBytes}` });
          next();
          return;
        }
        total += entry.uncompressedSize;
        if (total > maxTotalBytes) {
          reject(new VulnDbError('SOURCE_TOO_LARGE', `${label}: more than ${maxTotalBytes} uncompressed bytes`));
          return;
        }
        readEntry(zip, entry).then((bytes) => {
          builder.addJson(bytes, source);
          next();
        }, reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
