import {
  type AuditCompletedEvent,
  type AuditFailedEvent,
  type AuditFinding,
  type AuditSkip,
  countBySeverity,
  type DependencyAudit,
  type RepoNotifyReading,
  releaseIdOf,
  type RepositoryRef,
  SEVERITIES,
  type Severity,
  type TriageState,
} from '@portcullis/contracts';
import { effectiveTriageState } from '../triage/triage-decision.js';
import { type TriageRecord } from '../triage/triage.ports.js';
import { isIgnoredPath, type SecretsPolicy, suppressionFor } from '@portcullis/secrets';

/** What `audit.completed` may list (the contract's caps). */
export const MAX_REPORTED_FINDINGS = 500;
export const MAX_REPORTED_SKIPS = 100;

/**
 * A finding from the engine (its `Finding`, already redacted: fingerprint and masked preview) plus
 * the commit that added the line and that commit's author.
 */
export interface ScannedFinding {
  readonly ruleId: string;
  readonly kind: 'secret' | 'manifest';
  readonly severity: Severity;
  readonly path: string;
  readonly line: number;
  readonly fingerprint: string;
  readonly preview: string;
  readonly commit: string;
  readonly author: string;
}

/** Everything the verdict is built from. */
export interface AuditOutcomeInput {
  readonly repository: RepositoryRef;
  readonly ref: string;
  /** The range actually audited (`before` all zeros for a new ref). */
  readonly range: { readonly before: string; readonly after: string };
  readonly findings: readonly ScannedFinding[];
  readonly skips: readonly AuditSkip[];
  readonly policy: SecretsPolicy;
  /** Set when the repository's `secrets:` section was invalid: `policy` is then the fallback and the verdict `error`. */
  readonly policyInvalid?: boolean;
  /** The `notify:` section of `.portcullis.yaml` at the audited commit; carried as read, it never affects the verdict. */
  readonly repoNotify?: RepoNotifyReading | undefined;
  /** The changed lockfiles matched against the OSV database; carried as is, it never affects the verdict. */
  readonly dependencies?: DependencyAudit | undefined;
  /** Triage decisions for the findings' fingerprints (absent = never triaged). */
  readonly triage: ReadonlyMap<string, Pick<TriageRecord, 'state' | 'until'>>;
  readonly stats: { readonly commits: number; readonly files: number; readonly durationMs: number };
  /** Decides lapsed acceptances and expired suppressions. */
  readonly now: Date;
}

/** Why a finding does not count against the verdict. */
export type SuppressedBy = 'triage' | 'suppression' | 'ignored-path';

/** A finding with what the policy and triage made of it. */
export interface JudgedFinding {
  readonly finding: AuditFinding;
  /** Undefined when the finding counts. */
  readonly suppressedBy: SuppressedBy | undefined;
}

const RANK: Readonly<Record<Severity, number>> = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<Severity, number>;

/** True when `severity` is at least as severe as `threshold` (`unknown` ranks lowest). */
export function meetsThreshold(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] <= RANK[threshold];
}

/** Triage states that take a finding out of the verdict: a decided false positive, a rotated secret, a live acceptance. */
const NOT_COUNTED: ReadonlySet<TriageState> = new Set(['false_positive', 'rotated', 'accepted']);

/**
 * Applies policy and triage to every finding, dropping exact repeats (the same fingerprint at the
 * same place from the same commit). Pure; the order is the contract's: most severe first, then
 * counted before suppressed, then by path and line, so a cut at the cap keeps what matters.
 */
export function judgeFindings(input: Pick<AuditOutcomeInput, 'findings' | 'policy' | 'triage' | 'now'>): JudgedFinding[] {
  const seen = new Set<string>();
  const judged: JudgedFinding[] = [];
  for (const f of input.findings) {
    const identity = `${f.fingerprint}\0${f.path}\0${f.line}\0${f.commit}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    const triage = effectiveTriageState(input.triage.get(f.fingerprint), input.now);
    const suppressedBy: SuppressedBy | undefined = isIgnoredPath(input.policy, f.path)
      ? 'ignored-path'
      : NOT_COUNTED.has(triage)
        ? 'triage'
        : suppressionFor(input.policy, f, input.now) !== undefined
          ? 'suppression'
          : undefined;
    judged.push({ finding: redactedFinding(f, triage), suppressedBy });
  }
  return judged.sort(
    (a, b) =>
      RANK[a.finding.severity] - RANK[b.finding.severity] ||
      Number(a.suppressedBy !== undefined) - Number(b.suppressedBy !== undefined) ||
      compare(a.finding.path, b.finding.path) ||
      a.finding.line - b.finding.line ||
      compare(a.finding.fingerprint, b.finding.fingerprint),
  );
}

/**
 * The `audit.completed` body: verdict against the policy, counts of findings that count (the
 * suppressed ones go into `policy.suppressed`), findings and skips within the contract's caps.
 */
export function buildAuditCompleted(input: AuditOutcomeInput): AuditCompletedEvent {
  const judged = judgeFindings(input);
  const counted = judged.filter((j) => j.suppressedBy === undefined).map((j) => j.finding);
  const counts = countBySeverity(counted);
  const failing = counted.some((f) => meetsThreshold(f.severity, input.policy.failOn));
  const skips = dedupeSkips(input.skips);
  return {
    kind: 'audit.completed',
    releaseId: releaseIdOf(input.repository, input.range.after),
    repository: input.repository,
    ref: input.ref,
    range: { before: input.range.before, after: input.range.after },
    verdict: input.policyInvalid === true ? 'error' : failing ? 'fail' : 'pass',
    counts,
    findings: judged.slice(0, MAX_REPORTED_FINDINGS).map((j) => j.finding),
    findingsTruncated: judged.length > MAX_REPORTED_FINDINGS,
    skips: skips.slice(0, MAX_REPORTED_SKIPS),
    skipsTruncated: skips.length > MAX_REPORTED_SKIPS,
    policy: { source: input.policy.source, failOn: input.policy.failOn, suppressed: judged.length - counted.length },
    ...(input.repoNotify === undefined ? {} : { repoNotify: input.repoNotify }),
    ...(input.dependencies === undefined ? {} : { dependencies: input.dependencies }),
    stats: {
      commits: nonNegative(input.stats.commits),
      files: nonNegative(input.stats.files),
      durationMs: nonNegative(input.stats.durationMs),
    },
  };
}

/** What went wrong, for `audit.failed`. */
export interface AuditFailureInput {
  readonly repository: RepositoryRef;
  readonly ref: string;
  readonly range: { readonly before: string; readonly after: string };
  /** `FETCH_FAILED`, `AUTH_FAILED`, `RANGE_UNAVAILABLE`, `TIMEOUT`, … (UPPER_SNAKE). */
  readonly code: string;
  /** For people. Credentials in URLs are masked here as a last line of defence; keep secrets out regardless. */
  readonly message: string;
}

/** The `audit.failed` body. */
export function buildAuditFailed(input: AuditFailureInput): AuditFailedEvent {
  return {
    kind: 'audit.failed',
    releaseId: releaseIdOf(input.repository, input.range.after),
    repository: input.repository,
    ref: input.ref,
    range: { before: input.range.before, after: input.range.after },
    code: /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(input.code) ? input.code : 'AUDIT_FAILED',
    message: truncate(maskUrlCredentials(input.message.replace(/\s+/g, ' ').trim()), 1000),
  };
}

/** `https://user:token@host` → `https://***@host`: a git error quoting a remote must not carry its credentials. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@');
}

function redactedFinding(f: ScannedFinding, triage: TriageState): AuditFinding {
  return {
    ruleId: f.ruleId,
    kind: f.kind,
    severity: f.severity,
    fingerprint: f.fingerprint,
    preview: f.preview,
    // The contract bounds these; a pathological path keeps its end, which names the file.
    path: f.path.length > 512 ? `…${f.path.slice(-511)}` : f.path,
    line: f.line,
    commit: f.commit,
    author: truncate(f.author, 200),
    triage,
  };
}

function dedupeSkips(skips: readonly AuditSkip[]): AuditSkip[] {
  const seen = new Set<string>();
  const out: AuditSkip[] = [];
  for (const s of skips) {
    const key = `${s.path}\0${s.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: s.path.length > 512 ? `…${s.path.slice(-511)}` : s.path, reason: s.reason });
  }
  return out;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
