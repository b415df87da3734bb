/** What kind of check produced a result. */
export type ImageTestKind = 'metadata' | 'content' | 'command';

/** `not-run`: the check could not be made (no runner, no file system, a runner failure); never counts as passed. */
export type ImageTestStatus = 'passed' | 'failed' | 'not-run';

/** The outcome of one check. */
export interface ImageTestResult {
  /** Stable id: `metadata.nonRoot`, `content.forbid.shells`, `content.file.<id>`, `command.<id>`. */
  readonly id: string;
  readonly kind: ImageTestKind;
  readonly status: ImageTestStatus;
  /** Why it failed or did not run, for people; at most {@link MAX_REASON_LENGTH} characters, never a secret value. */
  readonly reason?: string;
}

/** `incomplete`: nothing failed but something did not run. */
export type ImageTestVerdict = 'passed' | 'failed' | 'incomplete';

export interface ImageTestSummary {
  readonly verdict: ImageTestVerdict;
  readonly passed: number;
  readonly failed: number;
  readonly notRun: number;
}

export const MAX_REASON_LENGTH = 300;

/** Builds a result, bounding the reason. */
export function result(id: string, kind: ImageTestKind, status: ImageTestStatus, reason?: string): ImageTestResult {
  if (reason === undefined) return { id, kind, status };
  const flat = reason.replace(/\s+/g, ' ').trim();
  return { id, kind, status, reason: flat.length > MAX_REASON_LENGTH ? `${flat.slice(0, MAX_REASON_LENGTH - 1)}…` : flat };
}

/** The gate: failed if any check failed, incomplete if any did not run, otherwise passed. */
export function summarize(results: readonly ImageTestResult[]): ImageTestSummary {
  const count = (status: ImageTestStatus): number => results.filter((r) => r.status === status).length;
  const failed = count('failed');
  const notRun = count('not-run');
  return { verdict: failed > 0 ? 'failed' : notRun > 0 ? 'incomplete' : 'passed', passed: count('passed'), failed, notRun };
}

/** `a, b, c and 4 more`: lists in reasons stay short. */
export function listed(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
