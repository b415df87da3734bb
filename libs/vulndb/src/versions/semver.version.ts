import semver from 'semver';

import type { VersionScheme } from './version-scheme.js';

/**
 * SemVer 2.0.0 ordering (npm's `semver` package, strict parsing): prerelease identifiers sort
 * before the release, numeric identifiers numerically, build metadata ignored. Used for the `npm`
 * ecosystem and for every OSV range of type `SEMVER`.
 */
export const semverVersionScheme: VersionScheme<semver.SemVer> = {
  name: 'semver',
  parse(version) {
    if (version.length > 256) return undefined;
    // OSV SEMVER ranges carry no `v` prefix, but some sources (and Go installs) do.
    const text = version.startsWith('v') ? version.slice(1) : version;
    return semver.parse(text, { loose: false }) ?? undefined;
  },
  compare: (a, b) => a.compare(b),
};

/**
 * Go module ordering: semver with a mandatory-in-Go, optional-here `v` prefix. `+incompatible` is
 * build metadata and so ignored, and pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
 * `v1.2.4-0.20191109021931-daa7c04131f5`) are prereleases that sort by their timestamp, which is
 * what the Go toolchain does (golang.org/x/mod/semver, go.dev/ref/mod#pseudo-versions).
 */
export const goVersionScheme: VersionScheme<semver.SemVer> = {
  name: 'go',
  parse: semverVersionScheme.parse,
  compare: semverVersionScheme.compare,
};
