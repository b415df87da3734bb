import { countBySeverity, type ImageSecretFinding, type ImageSecretsSection, type Severity, type TriageState, type Verdict } from '@portcullis/contracts';
import { isIgnoredPath, type SecretsPolicy, suppressionFor } from '@portcullis/secrets';
import { type ImageSecretsScan } from './image-secrets.js';

/** What the contract lists. */
export const MAX_REPORTED_SECRET_FINDINGS = 50;

/** A triage decision as the secret-auditor's view keeps it (only what judging reads). */
export interface TriageDecision {
  readonly state: TriageState;
  /** RFC 3339; an `accepted` decision lapses then. */
  readonly until?: string;
}

/** The `secrets:` policy an image is judged by, and whether the repository's section was invalid. */
export interface ImageSecretsPolicy {
  readonly policy: SecretsPolicy;
  /** Problems of an invalid `secrets:` section; `policy` is then the default and the verdict `error`. */
  readonly invalid?: readonly string[];
}

const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 };
/** As the secret-auditor judges repository findings: decided false positives, rotated secrets and live acceptances do not count. */
const NOT_COUNTED: ReadonlySet<TriageState> = new Set(['false_positive', 'rotated', 'accepted']);

/** No decision is `open`; an acceptance past its `until` is `open` again (as the secret-auditor reads it). */
export function effectiveTriageState(decision: TriageDecision | undefined, now: Date): TriageState {
  if (decision === undefined) return 'open';
  if (decision.state === 'accepted' && decision.until !== undefined && Date.parse(decision.until) <= now.getTime()) return 'open';
  return decision.state;
}

/**
 * Judges an image's secrets the way the secret-auditor judges a push: a finding on an ignored path
 * (`secrets.paths.ignore`), with a triage decision that takes it out, or matched by a live
 * `secrets.suppressions` entry does not count; any other finding at `failOn` or above fails.
 * Findings the scan could not keep (`overflow`) always count.
 */
export function judgeImageSecrets(scan: ImageSecretsScan, resolved: ImageSecretsPolicy, triage: ReadonlyMap<string, TriageDecision>, now: Date): ImageSecretsSection {
  const { policy } = resolved;
  const judged: ImageSecretFinding[] = scan.findings.map((f) => {
    const state = effectiveTriageState(triage.get(f.fingerprint), now);
    const suppressed =
      (f.source === 'layer' && isIgnoredPath(policy, f.path)) || NOT_COUNTED.has(state) || suppressionFor(policy, { fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.path }, now) !== undefined;
    return {
      ruleId: f.ruleId,
      severity: f.severity,
      source: f.source,
      ...(f.layerDigest ? { layerDigest: f.layerDigest } : {}),
      path: f.path,
      line: f.line,
      fingerprint: f.fingerprint,
      preview: f.preview,
      deletedLater: f.deletedLater,
      triage: state,
      suppressed,
    };
  });
  judged.sort((a, b) => RANK[a.severity] - RANK[b.severity] || Number(a.suppressed) - Number(b.suppressed));
  const counts = countBySeverity(judged.filter((f) => !f.suppressed));
  for (const [severity, n] of Object.entries(scan.overflow) as [Severity, number][]) counts[severity] += n;
  const failing = (Object.keys(counts) as Severity[]).some((s) => counts[s] > 0 && RANK[s] <= RANK[policy.failOn]);
  const verdict: Verdict = resolved.invalid ? 'error' : failing ? 'fail' : 'pass';
  const overflowTotal = Object.values(scan.overflow).reduce((a, b) => a + (b ?? 0), 0);
  return {
    verdict,
    counts,
    findings: judged.slice(0, MAX_REPORTED_SECRET_FINDINGS),
    findingsTruncated: judged.length > MAX_REPORTED_SECRET_FINDINGS || overflowTotal > 0,
    skipped: scan.skipped.slice(0, 20).map((s) => ({ reason: s.reason, files: s.files })),
    skips: [...scan.skips],
    skipsTruncated: scan.skipsTotal > scan.skips.length,
    policy: { source: policy.source, failOn: policy.failOn, suppressed: judged.filter((f) => f.suppressed).length },
    stats: { ...scan.stats },
  };
}

/** The gate's verdict from the vulnerability verdict and the secrets verdict: `error` over `fail` over `pass`. */
export function combineVerdicts(a: Verdict, b: Verdict | undefined): Verdict {
  if (b === undefined) return a;
  if (a === 'error' || b === 'error') return 'error';
  return a === 'fail' || b === 'fail' ? 'fail' : 'pass';
}
