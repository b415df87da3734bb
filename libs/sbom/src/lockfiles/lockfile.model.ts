import type { PackageRecord } from '../model.js';

/** Dependency files the lockfile readers understand, named by the tool that writes them. */
export type LockfileFormat = 'package-lock' | 'yarn-lock' | 'pnpm-lock' | 'requirements' | 'poetry-lock' | 'go-sum' | 'pom';

/** Bounds on what one lockfile may cost to read. */
export interface LockfileLimits {
  /** Largest file read (UTF-8 bytes); the caller normally passes its own per-file limit. */
  readonly maxBytes: number;
  /** Deepest nesting accepted (objects/arrays, YAML indentation levels, XML elements). */
  readonly maxDepth: number;
  /** Most entries (pinned and unpinned together) one file may list. */
  readonly maxPackages: number;
}

export const DEFAULT_LOCKFILE_LIMITS: LockfileLimits = {
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  maxPackages: 50_000,
};

/** Why a declared dependency has no version to match. */
export type UnpinnedReason =
  /** A range or bare name (`requests>=2`, `flask`, a Maven `[1.0,2.0)` range). */
  | 'range'
  /** A URL, path or VCS reference (`git+https://…`, `file:../x`, `-e .`). */
  | 'not-a-registry-package'
  /** A Maven version left to a parent POM or a property not defined in the file. */
  | 'unresolved'
  /** An include of another file (`-r other.txt`, `-c constraints.txt`): never followed. */
  | 'include';

/** A dependency the file names without a pinned version (reported, never matched). */
export interface UnpinnedDependency {
  /** As written (`requests`, `org.slf4j:slf4j-api`, `-r base.txt`), at most 200 characters. */
  readonly name: string;
  readonly reason: UnpinnedReason;
}

/** What one lockfile pins. */
export interface LockfileReading {
  readonly format: LockfileFormat;
  /** Pinned packages, deduplicated (same type, namespace, name and version once). */
  readonly packages: readonly PackageRecord[];
  readonly unpinned: readonly UnpinnedDependency[];
}
