import type { Readable } from 'node:stream';

/** Where the image came from; decides how `reference` reads. */
export type ImageSourceKind = 'registry' | 'oci-layout' | 'docker-archive';

/** One layer of the image, bottom first. */
export interface SourceLayer {
  /** Blob digest (`sha256:…`) as the manifest names it; for a docker archive the uncompressed diff id. */
  readonly digest: string;
  /** Compressed size when known (for progress). */
  readonly size: number | undefined;
  /** Opens the uncompressed tar, verified against its digest (a mismatch fails before the stream ends or before it opens). */
  open(): Promise<Readable>;
}

/** A single-platform image, whatever it was read from. Each source verifies every byte it hands out. */
export interface ImageSource {
  readonly kind: ImageSourceKind;
  /** What the user named, normalised (`registry/repo:tag`, the layout directory, the archive path). */
  readonly reference: string;
  /** Manifest digest (registry, OCI layout); for a docker archive, which has no manifest blob, the image id (config digest). */
  readonly digest: string;
  /** `os/arch[/variant]` from the image config. */
  readonly platform: string;
  readonly layers: readonly SourceLayer[];
  /** Releases connections or file handles. */
  close(): Promise<void>;
}

/** The user named something that cannot be scanned as named (exit code 2, like other bad usage). */
export class ImageSourceUsageError extends Error {
  override readonly name = 'ImageSourceUsageError';
}
