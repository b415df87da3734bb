import { type ReleaseType } from './load-plan.js';

/** What every side shows for one release of the load (gathered by the driver; judged here). */
export interface ReleaseFacts {
  readonly type: ReleaseType;
  /** The push webhook was answered 202 (a refused push is not the pipeline's to process). */
  readonly accepted: boolean;
  /** The image deliveries (registry notification, CI build) were answered 202; true without an image. */
  readonly imageAccepted: boolean;
  /** Distinct `audit.completed` events of the release (CloudEvent ids), and the verdict of the last. */
  readonly audits: number;
  readonly auditVerdict?: string;
  /** Distinct `scan.completed` events carrying the release's id. */
  readonly scans: number;
  /** The last `deploy.events` transition of the release's environment. */
  readonly lastTransition?: { readonly to: string; readonly reason: string };
  /** Root messages naming the release's commit (every channel). */
  readonly roots: number;
  /** The root's current version equals `renderRoot(foldEvents(every event of the release))`. */
  readonly rootFinal: boolean;
}

/** `refused`: the intake did not accept a delivery (a sender would redeliver); not counted as a loss of the pipeline. */
export type ProblemKind = 'lost' | 'duplicate' | 'wrong' | 'refused';

export interface ReleaseProblem {
  readonly kind: ProblemKind;
  readonly what: string;
}

const hasImage = (type: ReleaseType) => type === 'image' || type === 'image+finding' || type === 'deploy';
const hasFinding = (type: ReleaseType) => type === 'commit+finding' || type === 'image+finding';

/** The gate's end for a release type: deployed, blocked by the planted secret, or waiting for the approval nobody gives. */
export function expectedEnd(type: ReleaseType): { readonly to: string; readonly reason: string } {
  if (type === 'deploy') return { to: 'succeeded', reason: 'RolloutComplete' };
  if (hasFinding(type)) return { to: 'blocked', reason: 'SecretsFound' };
  return { to: 'waiting', reason: 'WaitingForApproval' };
}

/**
 * Everything that differs from a fully processed release: each accepted push has exactly one audit
 * result, each build a scan with the release id, each release a gate decision (a settled deploy
 * for a deploying one) and exactly one Slack root showing its final state. Empty: complete.
 */
export function releaseProblems(facts: ReleaseFacts): ReleaseProblem[] {
  if (!facts.accepted) return [{ kind: 'refused', what: 'push not accepted by the intake' }];
  const problems: ReleaseProblem[] = [];
  if (!facts.imageAccepted) problems.push({ kind: 'refused', what: 'image deliveries not accepted by the intake' });
  if (facts.audits === 0) problems.push({ kind: 'lost', what: 'no audit result' });
  if (facts.audits > 1) problems.push({ kind: 'duplicate', what: `${facts.audits} audit results` });
  if (facts.audits > 0 && facts.auditVerdict !== (hasFinding(facts.type) ? 'fail' : 'pass')) problems.push({ kind: 'wrong', what: `audit verdict ${facts.auditVerdict}` });
  if (hasImage(facts.type) && facts.scans === 0) problems.push({ kind: 'lost', what: 'no scan with the release id' });
  if (facts.scans > 1) problems.push({ kind: 'duplicate', what: `${facts.scans} scans with the release id` });
  const want = expectedEnd(facts.type);
  if (facts.lastTransition === undefined) problems.push({ kind: 'lost', what: 'no deploy.events transition' });
  else if (facts.lastTransition.to !== want.to || facts.lastTransition.reason !== want.reason) {
    problems.push({ kind: 'wrong', what: `ended ${facts.lastTransition.to} (${facts.lastTransition.reason}), expected ${want.to} (${want.reason})` });
  }
  if (facts.roots === 0) problems.push({ kind: 'lost', what: 'no Slack root' });
  if (facts.roots > 1) problems.push({ kind: 'duplicate', what: `${facts.roots} Slack roots` });
  if (facts.roots > 0 && !facts.rootFinal) problems.push({ kind: 'lost', what: 'Slack root does not show the final state' });
  return problems;
}

/** Counts of releases with at least one problem of each kind, and the first few descriptions. */
export interface LossSummary {
  readonly releases: number;
  readonly complete: number;
  readonly lost: number;
  readonly duplicate: number;
  readonly wrong: number;
  readonly refused: number;
  readonly examples: readonly string[];
}

export function summarizeLosses(results: readonly { readonly title: string; readonly problems: readonly ReleaseProblem[] }[], maxExamples = 10): LossSummary {
  const withKind = (kind: ProblemKind) => results.filter((r) => r.problems.some((p) => p.kind === kind)).length;
  return {
    releases: results.length,
    complete: results.filter((r) => r.problems.length === 0).length,
    lost: withKind('lost'),
    duplicate: withKind('duplicate'),
    wrong: withKind('wrong'),
    refused: withKind('refused'),
    examples: results
      .filter((r) => r.problems.length > 0)
      .slice(0, maxExamples)
      .map((r) => `${r.title}: ${r.problems.map((p) => p.what).join('; ')}`),
  };
}
