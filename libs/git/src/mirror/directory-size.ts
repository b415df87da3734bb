import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes used by the files under `dir` (apparent sizes; symlinks not followed). 0 if absent. */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await directorySize(path);
    else {
      try {
        total += (await lstat(path)).size;
      } catch {
        // removed while we looked
      }
    }
  }
  return total;
}

/**
 * Lock and temp files a killed git leaves behind (`*.lock` anywhere, `tmp_*` packs, quarantine
 * dirs). Only safe while no git process works on the repository: the cache calls it with the
 * repository's mutex held, and the cache directory belongs to one process.
 */
export async function staleGitLeftovers(gitDir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.name.endsWith('.lock') || entry.name.startsWith('tmp_') || entry.name.startsWith('incoming-')) {
        found.push(path);
      } else if (entry.isDirectory() && depth < 12) {
        await walk(path, depth + 1);
      }
    }
  };
  await walk(gitDir, 0);
  return found;
}
