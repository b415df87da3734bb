/**
 * A total order over one ecosystem's version strings. `parse` returns `undefined` for a string the
 * ecosystem would reject; `compare` is only ever called on parsed values, so a range whose bound
 * cannot be parsed is dropped at build time rather than compared wrongly at match time.
 */
export interface VersionScheme<P = unknown> {
  /** Name used in issues and the README (`dpkg`, `apk`, `semver`, `pep440`, `go`, `maven`). */
  readonly name: string;
  parse(version: string): P | undefined;
  /** Negative when `a` sorts before `b`, zero when equal, positive otherwise. */
  compare(a: P, b: P): number;
}

/** `a` and `b` as strings; `undefined` when either does not parse. */
export function compareVersions<P>(scheme: VersionScheme<P>, a: string, b: string): number | undefined {
  const pa = scheme.parse(a);
  const pb = scheme.parse(b);
  if (pa === undefined || pb === undefined) return undefined;
  return Math.sign(scheme.compare(pa, pb));
}
