import { alpineVersionScheme } from '../versions/alpine.version.js';
import { debianVersionScheme } from '../versions/debian.version.js';
import { mavenVersionScheme } from '../versions/maven.version.js';
import { pypiVersionScheme } from '../versions/pypi.version.js';
import { goVersionScheme, semverVersionScheme } from '../versions/semver.version.js';
import type { VersionScheme } from '../versions/version-scheme.js';

/** Package types the matcher understands (the SBOM side's `type`, purl-style). */
export type PackageType = 'deb' | 'apk' | 'npm' | 'pypi' | 'golang' | 'maven';

export const PACKAGE_TYPES: readonly PackageType[] = ['deb', 'apk', 'npm', 'pypi', 'golang', 'maven'];

/** Version ordering family of an OSV ecosystem. */
export type EcosystemFamily = 'Debian' | 'Ubuntu' | 'Alpine' | 'npm' | 'PyPI' | 'Go' | 'Maven';

const SCHEMES: Record<EcosystemFamily, VersionScheme> = {
  Debian: debianVersionScheme as VersionScheme,
  Ubuntu: debianVersionScheme as VersionScheme,
  Alpine: alpineVersionScheme as VersionScheme,
  npm: semverVersionScheme as VersionScheme,
  PyPI: pypiVersionScheme as VersionScheme,
  Go: goVersionScheme as VersionScheme,
  Maven: mavenVersionScheme as VersionScheme,
};

/** Version scheme for `ECOSYSTEM` ranges of a family. */
export function schemeOf(family: EcosystemFamily): VersionScheme {
  return SCHEMES[family];
}

/**
 * Family and index key of an OSV `affected[].package.ecosystem`, or `undefined` for an ecosystem
 * the matcher does not support (crates.io, RubyGems, Red Hat, ...). `Maven:<repo url>` is folded
 * into `Maven`: the coordinates are global, the repository only says where the record came from.
 */
export function osvEcosystemKey(ecosystem: string): { family: EcosystemFamily; key: string } | undefined {
  const [head] = ecosystem.split(':', 1);
  switch (head) {
    case 'Debian':
    case 'Ubuntu':
    case 'Alpine':
      // The release is part of the key: Debian:12 and Debian:11 are different package sets.
      return ecosystem.includes(':') ? { family: head, key: ecosystem } : undefined;
    case 'npm':
    case 'PyPI':
    case 'Go':
    case 'Maven':
      return { family: head, key: head };
    default:
      return undefined;
  }
}

/** Name as the index stores it: PEP 503 normalisation for PyPI, unchanged elsewhere. */
export function normalisePackageName(family: EcosystemFamily, name: string): string {
  return family === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}

/** The distribution a package was installed from, as in os-release (`ID`, `VERSION_ID`). */
export interface Distro {
  /** os-release `ID`: `debian`, `ubuntu`, `alpine`. */
  readonly id: string;
  /** os-release `VERSION_ID`: `12`, `22.04`, `3.19.1`; absent on rolling releases (no OSV ecosystem then). */
  readonly versionId?: string | undefined;
}

/**
 * OSV ecosystem keys an installed package can be listed under, most specific first; empty when
 * its type or distro is not supported (or the distro release is unknown).
 */
export function ecosystemKeysFor(type: PackageType, distro: Distro | undefined): { family: EcosystemFamily; keys: string[] } | undefined {
  switch (type) {
    case 'npm':
      return { family: 'npm', keys: ['npm'] };
    case 'pypi':
      return { family: 'PyPI', keys: ['PyPI'] };
    case 'golang':
      return { family: 'Go', keys: ['Go'] };
    case 'maven':
      return { family: 'Maven', keys: ['Maven'] };
    case 'deb': {
      const id = distro?.id.toLowerCase();
      const release = distro?.versionId?.trim();
      if (!release) return undefined;
      if (id === 'debian') {
        // OSV names Debian releases by major version only ("Debian:12" for 12.5).
        const major = /^(\d+)/.exec(release)?.[1];
        return major === undefined ? undefined : { family: 'Debian', keys: [`Debian:${major}`] };
      }
      if (id === 'ubuntu') {
        // Ubuntu records use "Ubuntu:22.04:LTS" for LTS releases and "Ubuntu:23.10" otherwise.
        return { family: 'Ubuntu', keys: [`Ubuntu:${release}:LTS`, `Ubuntu:${release}`] };
      }
      return undefined;
    }
    case 'apk': {
      if (distro?.id.toLowerCase() !== 'alpine') return undefined;
      // "3.19.1" → "Alpine:v3.19"; edge has no release branch in OSV.
      const branch = /^(\d+)\.(\d+)/.exec(distro.versionId?.trim() ?? '');
      return branch === null ? undefined : { family: 'Alpine', keys: [`Alpine:v${branch[1]}.${branch[2]}`] };
    }
  }
}
