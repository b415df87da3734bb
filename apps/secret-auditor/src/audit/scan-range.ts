import { isZeroSha } from '@portcullis/contracts';

/**
 * How the ref's last scanned tip relates to the pushed `after`, as git answers it
 * (`merge-base --is-ancestor`). The use case asks git; the decision below stays pure.
 */
export type TipRelation =
  /** `after` is the tip. */
  | 'same'
  /** The tip is an ancestor of `after`: the ref moved forward from what was scanned. */
  | 'tip-behind'
  /** `after` is an ancestor of the tip: a newer push already covered it. */
  | 'tip-ahead'
  /** Neither: history was rewritten (force push) or the tip belongs to a deleted incarnation of the ref. */
  | 'diverged';

/** From the two ancestry answers git gives, the relation. */
export function tipRelationOf(tip: string, after: string, ancestry: { tipIsAncestorOfAfter: boolean; afterIsAncestorOfTip: boolean }): TipRelation {
  if (tip === after) return 'same';
  if (ancestry.tipIsAncestorOfAfter) return 'tip-behind';
  if (ancestry.afterIsAncestorOfTip) return 'tip-ahead';
  return 'diverged';
}

export interface ScanRangeInput {
  /** The push as delivered. */
  readonly before: string;
  readonly after: string;
  /** The ref's last scanned tip, if any. */
  readonly tip: string | undefined;
  /** Required when `tip` is set and differs from `after`. */
  readonly relation?: TipRelation;
}

/** Why the range is what it is; logged and counted by the use case. */
export type ScanReason =
  /** No tip known and the ref existed: the pushed range `before..after`. */
  | 'first-push'
  /** A new ref: every commit of `after` that no other ref has. */
  | 'new-ref'
  /** `before` is the tip: exactly the pushed range. */
  | 'fast-forward'
  /** `before` is ahead of the tip (an older push is still queued or retrying): scan from the tip, so this push covers it. */
  | 'covers-queued'
  /** `before` is behind the tip (already covered by a newer scan): only what the tip lacks. */
  | 'before-covered'
  /** History was rewritten: everything `after` has that the scanned tip does not. */
  | 'force-push';

export type ScanRangeDecision =
  | {
      readonly action: 'scan';
      readonly reason: ScanReason;
      /**
       * Git range `^exclude… include`: commits reachable from `include` and from none of
       * `exclude`. Empty `exclude` with `excludeOtherRefs` = a new ref (`after --not --all`).
       * After a force push the old tip may be gone from the server; the use case then falls back
       * to the push's own `before..after` and says so.
       */
      readonly include: string;
      readonly exclude: readonly string[];
      readonly excludeOtherRefs: boolean;
      /** The range `audit.completed` reports (`before` all zeros for a new ref). */
      readonly reported: { readonly before: string; readonly after: string };
      /** The tip the use case compare-and-sets after a successful scan (expected = the input tip). */
      readonly nextTip: string;
    }
  | {
      readonly action: 'skip';
      /** `already-scanned`: a redelivery, or a push a newer scan covered. `ref-deleted`: nothing to audit; the tip is cleared. */
      readonly reason: 'already-scanned' | 'ref-deleted';
    };

/**
 * Which commits to scan for a push, given the last scanned tip. Invariant: every commit reachable
 * from the tip has been scanned. So the range is always "reachable from `after`, not from the
 * tip": no commit is left out, and a newer push queued behind an older one (or overtaking it on a
 * retry) covers it instead of both scanning the same commits.
 */
export function decideScanRange(input: ScanRangeInput): ScanRangeDecision {
  const { before, after, tip } = input;
  if (isZeroSha(after)) return { action: 'skip', reason: 'ref-deleted' };
  if (tip === undefined) {
    if (isZeroSha(before)) return scan('new-ref', after, [], true, before);
    return scan('first-push', after, [before], false, before);
  }
  if (tip === after) return { action: 'skip', reason: 'already-scanned' };
  const relation = input.relation;
  if (relation === undefined) throw new TypeError('decideScanRange needs the tip relation when a tip is known and differs from after');
  switch (relation) {
    case 'same':
    case 'tip-ahead':
      return { action: 'skip', reason: 'already-scanned' };
    case 'tip-behind':
      if (before === tip) return scan('fast-forward', after, [tip], false, tip);
      // A ref re-created on top of scanned history, or a push whose `before` was never scanned
      // (its own push is still queued or retrying): from the tip either way, so nothing between
      // the tip and `before` is left out.
      return scan(isZeroSha(before) ? 'before-covered' : 'covers-queued', after, [tip], false, tip);
    case 'diverged':
      return scan('force-push', after, [tip], false, tip);
  }
}

/**
 * Refines `covers-queued` vs `before-covered` when git says `before` is an ancestor of the tip.
 * Optional: the range is the same; only the reason logged differs.
 */
export function coveredReason(decision: ScanRangeDecision, beforeIsAncestorOfTip: boolean): ScanRangeDecision {
  if (decision.action !== 'scan' || decision.reason !== 'covers-queued' || !beforeIsAncestorOfTip) return decision;
  return { ...decision, reason: 'before-covered' };
}

function scan(reason: ScanReason, include: string, exclude: readonly string[], excludeOtherRefs: boolean, reportedBefore: string): ScanRangeDecision {
  return { action: 'scan', reason, include, exclude, excludeOtherRefs, reported: { before: reportedBefore, after: include }, nextTip: include };
}
