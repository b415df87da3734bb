import { listTrackedFiles } from '@portcullis/git';
import { lstat, opendir, open } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** A file found by the walk; its content is read only when the scanner is ready for it. */
export interface WalkedFile {
  /** Path relative to the scanned root, with `/` separators (as findings report it). */
  readonly path: string;
  readonly absolutePath: string;
}

/** Directories never scanned: git's own object store is not content someone wrote. */
const SKIPPED_DIRECTORIES = new Set(['.git']);

/**
 * Walks `root` depth first, one directory handle at a time, yielding regular files. Symbolic links
 * are not followed (a link may point outside the tree, or in a loop).
 */
export async function* walkDirectory(root: string): AsyncGenerator<WalkedFile> {
  const pending = [root];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    const handle = await opendir(dir);
    const subdirectories: string[] = [];
    for await (const entry of handle) {
      const absolutePath = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) subdirectories.push(absolutePath);
      } else if (entry.isFile()) {
        yield { path: relative(root, absolutePath).split(sep).join('/'), absolutePath };
      }
    }
    // Reverse so that directories are visited in the order they were listed.
    pending.push(...subdirectories.reverse());
  }
}

/**
 * The regular files git tracks under `root` (git's index: committed or staged), read from the work
 * tree. Git-ignored and untracked files are not listed; neither are symbolic links and submodules.
 * A tracked file that is missing from the work tree, or is no longer a regular file there, is
 * passed over: there is nothing of it on disk to scan.
 */
export async function* walkTrackedFiles(root: string): AsyncGenerator<WalkedFile> {
  for (const path of await listTrackedFiles(root)) {
    const absolutePath = join(root, ...path.split('/'));
    const info = await lstat(absolutePath).catch(() => undefined);
    if (info?.isFile()) yield { path, absolutePath };
  }
}

/**
 * Reads a file unless it is larger than `maxBytes` (then `TOO_LARGE`, without reading it): a huge
 * file is reported as skipped, never held in memory.
 */
export async function readWithin(absolutePath: string, maxBytes: number): Promise<Buffer | 'TOO_LARGE'> {
  const handle = await open(absolutePath, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) return 'TOO_LARGE';
    const buffer = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(buffer, offset, size - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return offset === size ? buffer : buffer.subarray(0, offset);
  } finally {
    await handle.close();
  }
}
