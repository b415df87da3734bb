import { countBySeverity, type ScanVulnerability, type Severity, type SeverityCounts, type Verdict } from '@portcullis/contracts';
import { type ImagePolicy, type ImageSuppression } from './image-policy.schema.js';

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 };

/** One finding after the policy: `suppressed` set, and the suppression that did it. */
export interface JudgedFinding {
  readonly vulnerability: ScanVulnerability;
  readonly suppression?: ImageSuppression;
}

export interface ScanJudgement {
  /** `error` when the repository's policy was invalid (`invalid`): gates treat it as not passed. */
  readonly verdict: Verdict;
  /** Unsuppressed findings per severity. */
  readonly counts: SeverityCounts;
  /** Findings in input order, `suppressed` set. */
  readonly vulnerabilities: readonly ScanVulnerability[];
  /** Each finding with the suppression applied to it (for OpenVEX). */
  readonly findings: readonly JudgedFinding[];
  readonly suppressed: number;
}

/** The suppression that applies to a finding at `now`; expired ones never apply. */
export function suppressionFor(policy: Pick<ImagePolicy, 'suppressions'>, finding: ScanVulnerability, now: Date): ImageSuppression | undefined {
  return policy.suppressions.find(
    (s) =>
      (s.until === undefined || Date.parse(s.until) > now.getTime()) &&
      (s.id === finding.id || finding.aliases.includes(s.id)) &&
      (s.package === undefined || s.package === finding.package.name),
  );
}

/** True when an unsuppressed finding of this severity (and fix state) fails the verdict. */
export function failsUnder(policy: Pick<ImagePolicy, 'failOn' | 'requireFix'>, finding: { severity: Severity; fixable: boolean }): boolean {
  return SEVERITY_RANK[finding.severity] <= SEVERITY_RANK[policy.failOn] && (!policy.requireFix || finding.fixable);
}

/**
 * Judges findings under `policy` at `now`: marks suppressed ones, counts the rest and decides the
 * verdict. `invalid` (the repository's policy could not be read) turns the verdict into `error`
 * while the default policy still marks and counts.
 */
export function judgeScan(findings: readonly ScanVulnerability[], policy: ImagePolicy, now: Date, options: { invalid?: boolean } = {}): ScanJudgement {
  const judged: JudgedFinding[] = findings.map((v) => {
    const suppression = suppressionFor(policy, v, now);
    return suppression ? { vulnerability: { ...v, suppressed: true }, suppression } : { vulnerability: { ...v, suppressed: false } };
  });
  const open = judged.filter((j) => !j.suppression).map((j) => j.vulnerability);
  const failing = open.some((v) => failsUnder(policy, { severity: v.severity, fixable: v.fixedVersion !== undefined }));
  return {
    verdict: options.invalid ? 'error' : failing ? 'fail' : 'pass',
    counts: countBySeverity(open),
    vulnerabilities: judged.map((j) => j.vulnerability),
    findings: judged,
    suppressed: judged.length - open.length,
  };
}
