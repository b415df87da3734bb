/** Kinds of file system entries the content checks distinguish (hard links count as `file`). */
export type FsEntryType = 'file' | 'directory' | 'symlink' | 'other';

/** One entry of an image's merged file system. */
export interface FsEntry {
  /** Path from the image root, with or without a leading `/` (`etc/passwd`). */
  readonly path: string;
  readonly type: FsEntryType;
  /** Permission bits including setuid/setgid/sticky (`mode & 0o7777`). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Bytes of a regular file; 0 for anything else. */
  readonly size: number;
}

/**
 * The merged file system of an image, as the content checks see it: every entry still present
 * after all layers are stacked (whiteouts applied), and the leading bytes of a regular file. The
 * image scanner adapts its layer walk (`@portcullis/sbom`) to this; tests use an in-memory tree.
 */
export interface ImageFileSystem {
  /** Every entry, in any order, each path once. */
  entries(): AsyncIterable<FsEntry> | Iterable<FsEntry>;
  /** At most `maxBytes` from the start of the regular file at `path`; `undefined` when there is none. */
  readHead(path: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /**
   * Optional: told every read before it happens, so a layer-backed file system can read them with
   * one pass per layer instead of one per file. `readHead` must work without it.
   */
  prefetch?(requests: readonly { readonly path: string; readonly maxBytes: number }[]): Promise<void>;
}
