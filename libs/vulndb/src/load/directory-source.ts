import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

import type { VulnDbBuilder } from '../db/vuln-db.js';
import { VulnDbError } from '../errors.js';
import { OSV_LIMITS } from '../osv/osv.schema.js';

/** Bounds of one directory import. */
export interface DirectoryLimits {
  /** JSON files read (default 2,000,000). */
  readonly maxFiles?: number;
  /** Folder depth below the root (default 16; the advisory-database layout uses 5). */
  readonly maxDepth?: number;
}

function unreadable(path: string, error: unknown): VulnDbError {
  const code = (error as { code?: unknown }).code;
  return new VulnDbError('SOURCE_UNREADABLE', `${path} cannot be read${typeof code === 'string' ? ` (${code})` : ''}`, error);
}

/**
 * Adds every `*.json` file under `root` (recursively, e.g. a checkout of
 * github/advisory-database or an unpacked `all.zip`) to `builder`, in sorted path order.
 * Symbolic links are not followed. Files over the record size limit are reported unread. An
 * unreadable root or folder throws `VulnDbError`, so a partial directory never becomes a database.
 */
export async function addOsvDirectory(builder: VulnDbBuilder, root: string, limits: DirectoryLimits = {}): Promise<void> {
  const maxFiles = limits.maxFiles ?? 2_000_000;
  const maxDepth = limits.maxDepth ?? 16;
  let files = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw unreadable(dir, error);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth >= maxDepth) throw new VulnDbError('SOURCE_TOO_LARGE', `${path}: deeper than ${maxDepth} folders`);
        await walk(path, depth + 1);
        continue;
      }
      if (!entry.isFile() || !entry.name.toLowerCase().endsWith('.json')) continue;
      if (++files > maxFiles) throw new VulnDbError('SOURCE_TOO_LARGE', `${root}: more than ${maxFiles} JSON files`);
      const source = relative(root, path);
      try {
        const { size } = await lstat(path);
        if (size > OSV_LIMITS.maxRecordBytes) {
          builder.reject({ id: undefined, source, kind: 'too-large', reason: `${size} bytes > ${OSV_LIMITS.maxRecordBytes}` });
          continue;
        }
        builder.addJson(await readFile(path), source);
      } catch (error) {
        throw unreadable(path, error);
      }
    }
  };
  await walk(root, 0);
}
