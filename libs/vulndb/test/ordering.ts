import { expect } from 'vitest';

import { compareVersions, type VersionScheme } from '../src/versions/version-scheme.js';

/** Asserts that `versions` is strictly increasing under `scheme`, for every pair (not only neighbours). */
export function expectStrictlyIncreasing<P>(scheme: VersionScheme<P>, versions: readonly string[]): void {
  const wrong: string[] = [];
  for (let i = 0; i < versions.length; i++) {
    for (let j = i + 1; j < versions.length; j++) {
      const a = versions[i]!;
      const b = versions[j]!;
      if (compareVersions(scheme, a, b) !== -1) wrong.push(`${a} < ${b}`);
      if (compareVersions(scheme, b, a) !== 1) wrong.push(`${b} > ${a}`);
    }
  }
  expect(wrong).toEqual([]);
}

/** Asserts each `[a, op, b]` holds under `scheme`. */
export function expectRelations<P>(scheme: VersionScheme<P>, cases: readonly (readonly [string, '<' | '=' | '>', string])[]): void {
  const expected = { '<': -1, '=': 0, '>': 1 } as const;
  const wrong = cases
    .filter(([a, op, b]) => compareVersions(scheme, a, b) !== expected[op] || compareVersions(scheme, b, a) !== -expected[op])
    .map(([a, op, b]) => `${a} ${op} ${b} (got ${String(compareVersions(scheme, a, b))})`);
  expect(wrong).toEqual([]);
}
