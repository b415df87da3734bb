import type { Distro, PackageType } from '../ecosystems/ecosystem.js';

/**
 * One installed package, as the SBOM side hands it over. Kept small on purpose: the matcher only
 * needs what decides the OSV ecosystem, the name and the version.
 */
export interface PackageRef {
  /** `deb`, `apk`, `npm`, `pypi`, `golang` or `maven` (purl types). */
  readonly type: PackageType;
  /**
   * Package name: the binary package for `deb`/`apk`, `group:artifact` for `maven`, the module
   * path for `golang` (`stdlib` for the Go standard library), the project name for `pypi`.
   */
  readonly name: string;
  /** Maven group id when `name` is only the artifact id (then `namespace:name` is looked up). */
  readonly namespace?: string;
  /** Installed version as the package manager reports it (`1:2.3-4`, `3.1.4-r5`, `v1.2.3`). */
  readonly version: string;
  /**
   * Source package (dpkg `Source:`) for `deb`, origin for `apk`. Debian, Ubuntu and Alpine
   * advisories name source packages, so lookups use this when present and `name` otherwise.
   */
  readonly sourceName?: string;
  /** Source version for `deb` when it differs from the binary version (binNMUs, `Source: x (v)`). */
  readonly sourceVersion?: string;
  /** Distribution of an OS package (os-release `ID` / `VERSION_ID`); required for `deb` and `apk`. */
  readonly distro?: Distro;
}
