/**
 * The engine's vocabulary. A `LayerContribution` is what one layer adds to the image (already
 * parsed, JSON-serialisable, so the service can cache it by layer digest); `mergeLayers` stacks
 * contributions into an `Sbom`.
 */

/** Package ecosystems the cataloguers know. */
export type PackageType = 'deb' | 'apk' | 'npm' | 'pypi' | 'golang' | 'maven';

/** A package as a cataloguer read it from one file, before the image's distro is known. */
export interface PackageRecord {
  readonly type: PackageType;
  /** Name as the ecosystem spells it (`libssl3`, `@babel/core`, `Django`, `golang.org/x/net`). */
  readonly name: string;
  readonly version: string;
  /** Maven group id; npm scope is part of `name`. */
  readonly namespace?: string;
  /** Source package: dpkg `Source:` or apk `o:` (origin). Absent when it equals `name`. */
  readonly sourceName?: string;
  /** Source package version when it differs from `version` (dpkg `Source: openssl (3.0.11-1)`). */
  readonly sourceVersion?: string;
  /** Architecture (`amd64`, `x86_64`, `all`), for OS packages. */
  readonly arch?: string;
  /** Declared licence string, as written by the package (not normalised to SPDX). */
  readonly license?: string;
  /** Path of an archive inside the file (a jar nested in a war, `BOOT-INF/lib/x.jar`). */
  readonly innerPath?: string;
}

/** `ID` and `VERSION_ID` of os-release. */
export interface Distro {
  /** `debian`, `ubuntu`, `alpine`, … */
  readonly id: string;
  /** `12`, `22.04`, `3.19.1`; absent on rolling releases (Debian sid, Wolfi). */
  readonly versionId?: string;
  /** `PRETTY_NAME`, for people. */
  readonly prettyName?: string;
}

/** What one kept file of a layer yielded. */
export interface FileRecord {
  /** Path in the image, relative to its root, no leading `/` (`var/lib/dpkg/status`). */
  readonly path: string;
  readonly packages: readonly PackageRecord[];
  /** Set for an os-release file. */
  readonly distro?: Distro;
}

/** Something the index skipped or refused without failing the layer. */
export interface LayerWarning {
  readonly code:
    | 'FILE_TOO_LARGE'
    | 'LAYER_KEEP_BUDGET'
    | 'PATH_TOO_LONG'
    | 'UNSAFE_ENTRY'
    | 'UNPARSABLE'
    | 'ARCHIVE_LIMIT'
    | 'GO_BUILDINFO_UNSUPPORTED';
  readonly path: string;
  readonly message: string;
}

/** The bump in this constant invalidates cached contributions (parsers or limits changed). */
export const CONTRIBUTION_FORMAT = 1;

/**
 * What one layer contributes, independent of every other layer: its parsed files, its whiteouts
 * and the paths it overwrote with something the cataloguers do not read. Plain JSON.
 */
export interface LayerContribution {
  readonly format: typeof CONTRIBUTION_FORMAT;
  /** Layer digest as the caller named it (`sha256:…`). */
  readonly digest: string;
  readonly files: readonly FileRecord[];
  /** `.wh.<name>` entries, as the path they delete (the path and everything below it in lower layers). */
  readonly whiteouts: readonly string[];
  /** Directories with `.wh..wh..opq`: lower layers' content below them is hidden. */
  readonly opaqueDirs: readonly string[];
  /**
   * Paths this layer wrote with content no cataloguer keeps (a symlink, a non-Go executable, an
   * over-size file) — a lower layer's record at the same path must disappear.
   */
  readonly shadowed: readonly string[];
  readonly warnings: readonly LayerWarning[];
  /** Entries read and uncompressed bytes seen, for metrics. */
  readonly stats: { readonly entries: number; readonly bytes: number };
}

/** Where a package was found. */
export interface PackageLocation {
  readonly path: string;
  /** The layer that wrote the file (the last one to, when several did). */
  readonly layerDigest: string;
}

/** A package of the final image. */
export interface SbomPackage extends PackageRecord {
  /** package-url, canonical form (qualifiers sorted), e.g. `pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12`. */
  readonly purl: string;
  readonly locations: readonly PackageLocation[];
}

/** The bill of materials of an image: its distro and every package still visible after the last layer. */
export interface Sbom {
  readonly distro?: Distro;
  /** Sorted by type, name, version. */
  readonly packages: readonly SbomPackage[];
  /** Warnings of every layer, with the layer digest. */
  readonly warnings: readonly (LayerWarning & { readonly layerDigest: string })[];
  /** Digests of the layers, bottom first. */
  readonly layers: readonly string[];
}
