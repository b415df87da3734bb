import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type VulnDb } from '../db/vuln-db.js';
import { VulnDbError } from '../errors.js';
import { loadOsvDirectory, loadOsvZip } from './load-vuln-db.js';

/** Bounds of an `https://` source download. */
export interface DownloadLimits {
  /** Largest zip accepted; a larger body is cut off and the import fails. */
  readonly maxBytes: number;
  /** Budget of the whole download (connect, headers, body). */
  readonly timeoutMs: number;
}

/**
 * Builds a complete `VulnDb` from an operator-configured source (`SCAN_VULNDB_PATH`,
 * `AUDIT_VULNDB_PATH`): a directory of OSV JSON records, an OSV zip file, or an `https://` URL of
 * an OSV zip (downloaded whole, bounded, then parsed). The only download this library makes, and
 * only from that setting — never from anything a scan read. Rejects with `VulnDbError` when the
 * source is unreadable, truncated, too large or corrupt, so a partial source never becomes a
 * database. Errors never contain the URL (it may carry credentials).
 */
export async function loadVulnDbSource(source: string, limits: DownloadLimits, fetchFn: typeof fetch = fetch): Promise<VulnDb> {
  if (isVulnDbUrl(source)) {
    const bytes = await download(source, limits, fetchFn);
    return loadOsvZip([{ bytes, label: 'download.zip' }]);
  }
  const info = await stat(source).catch(() => {
    throw new VulnDbError('SOURCE_UNREADABLE', 'vulnerability database path is not readable');
  });
  return info.isDirectory() ? loadOsvDirectory(source) : loadOsvZip([{ bytes: await readFile(source), label: basename(source) }]);
}

/** True for a source that is downloaded rather than read from disk. */
export function isVulnDbUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

async function download(url: string, limits: DownloadLimits, fetchFn: typeof fetch): Promise<Buffer> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    const response = await fetchFn(url, { signal, redirect: 'follow' });
    if (!response.ok || response.body === null) {
      await response.body?.cancel().catch(() => undefined);
      throw new VulnDbError('SOURCE_UNREADABLE', `download failed with HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw new VulnDbError('SOURCE_TOO_LARGE', `download declares ${declared} bytes > ${limits.maxBytes}`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > limits.maxBytes) {
        throw new VulnDbError('SOURCE_TOO_LARGE', `download exceeds ${limits.maxBytes} bytes`);
      }
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  } catch (error) {
    if (error instanceof VulnDbError) throw error;
    // fetch errors may echo the URL; keep only what kind of failure it was.
    const reason = signal.aborted ? `timed out after ${limits.timeoutMs} ms` : 'network error';
    throw new VulnDbError('SOURCE_UNREADABLE', `download failed: ${reason}`);
  }
}
