import { type Verdict } from '@portcullis/contracts';

/** A verdict and its findings, as published for one digest. */
export interface VerdictFacts {
  readonly verdict: Verdict;
  /** Finding ids (`findingIdOf`); order does not matter. */
  readonly findingIds: readonly string[];
}

/**
 * Whether a re-match under a new database is news: the verdict changed, or a finding appeared or
 * went away. Same verdict and same set of findings publish nothing (only the version moved).
 */
export function verdictChanged(previous: VerdictFacts, next: VerdictFacts): boolean {
  if (previous.verdict !== next.verdict) return true;
  const before = new Set(previous.findingIds);
  const after = new Set(next.findingIds);
  return before.size !== after.size || [...after].some((id) => !before.has(id));
}
