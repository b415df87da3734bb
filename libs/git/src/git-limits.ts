/** Bounds on what one audit may cost. */
export interface GitLimits {
  /** Larger files are not downloaded (partial clone filter) and reported as TOO_LARGE. */
  maxFileBytes: number;
  /** Larger changed manifests are reported as TOO_LARGE instead of read in full. */
  maxManifestBytes: number;
  /** At most this many commits of one push are audited (the newest); the cut is reported. */
  maxCommits: number;
  /** Kill a `git fetch` after this long. */
  fetchTimeoutMs: number;
  /** Kill any other git command after this long (for streams: this long without output). */
  commandTimeoutMs: number;
}

export const DEFAULT_GIT_LIMITS: GitLimits = {
  maxFileBytes: 1024 * 1024,
  maxManifestBytes: 1024 * 1024,
  maxCommits: 1000,
  fetchTimeoutMs: 5 * 60_000,
  commandTimeoutMs: 60_000,
};
