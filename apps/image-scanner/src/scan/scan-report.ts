import {
  countBySeverity,
  type ImageReference,
  type ImageSecretsSection,
  type ImageTestsSection,
  type PolicySummary,
  type RepositoryRef,
  type ScanCompletedEvent,
  type ScanFailedEvent,
  type ScanVulnerability,
  type Severity,
  type SeverityCounts,
  type Verdict,
} from '@portcullis/contracts';
import { type Sbom } from '@portcullis/sbom';
import { type PackageRef } from '@portcullis/vulndb';
import { failsUnder, judgeScan } from '../policy/judge-scan.js';
import { type ResolvedImagePolicy } from '../policy/policy-source.js';
import { type ImageSecretsScan } from '../secrets/image-secrets.js';
import { combineVerdicts } from '../secrets/judge-secrets.js';
import { type MatchOutput } from './scan-image.ports.js';

/** The contract's cap on listed vulnerabilities (`counts` still cover all of them). */
export const MAX_REPORTED_VULNERABILITIES = 1000;

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 };
const VULNERABILITY_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The platform default until the repository's `.portcullis.yaml` policy is read: an image fails
 * when it has an unsuppressed vulnerability at `failOn` or above *that has a fix* — a finding
 * nobody can act on yet does not block a release.
 */
export interface VulnerabilityPolicy {
  readonly failOn: Severity;
  readonly requireFix: boolean;
}

export const DEFAULT_VULNERABILITY_POLICY: VulnerabilityPolicy = { failOn: 'high', requireFix: true };

/** A scan's outcome independent of the event that asked for it: what the result cache keeps. */
export interface CachedScan {
  readonly platform: string;
  readonly vulndbVersion: string;
  readonly verdict: Verdict;
  readonly counts: SeverityCounts;
  readonly vulnerabilities: readonly ScanVulnerability[];
  readonly vulnerabilitiesTruncated: boolean;
  readonly packageCount: number;
  readonly policy: PolicySummary;
  /** The image's secrets before any policy or triage (redacted); absent when secret scanning is off. */
  readonly secrets?: ImageSecretsScan;
}

/** The release an event ties the scan to (`build.announced`), absent for a bare push. */
export interface ScanRelease {
  readonly releaseId: string;
  readonly repository: RepositoryRef;
}

/** SBOM packages as the matcher takes them: the image's distro goes onto every OS package. */
export function packageRefsOf(sbom: Pick<Sbom, 'packages' | 'distro'>): PackageRef[] {
  const distro = sbom.distro ? { id: sbom.distro.id, ...(sbom.distro.versionId ? { versionId: sbom.distro.versionId } : {}) } : undefined;
  return sbom.packages.map((p) => ({
    type: p.type,
    name: p.name,
    version: p.version,
    ...(p.namespace ? { namespace: p.namespace } : {}),
    ...(p.sourceName ? { sourceName: p.sourceName } : {}),
    ...(p.sourceVersion ? { sourceVersion: p.sourceVersion } : {}),
    ...(distro && (p.type === 'deb' || p.type === 'apk') ? { distro } : {}),
  }));
}

/** Judges matched findings under `policy` and shapes them as the contract lists them. */
export function buildScan(input: {
  match: MatchOutput;
  packageCount: number;
  platform: string;
  dbVersion: string;
  policy: VulnerabilityPolicy;
}): CachedScan {
  const all = input.match.findings.map(vulnerabilityOf).sort(byImportance);
  const threshold = SEVERITY_RANK[input.policy.failOn];
  const failing = all.some((v) => !v.suppressed && SEVERITY_RANK[v.severity] <= threshold && (!input.policy.requireFix || v.fixedVersion !== undefined));
  return {
    platform: input.platform,
    vulndbVersion: input.dbVersion,
    verdict: failing ? 'fail' : 'pass',
    counts: countBySeverity(all.filter((v) => !v.suppressed)),
    vulnerabilities: all.slice(0, MAX_REPORTED_VULNERABILITIES),
    vulnerabilitiesTruncated: all.length > MAX_REPORTED_VULNERABILITIES,
    packageCount: input.packageCount,
    policy: { source: 'default', failOn: input.policy.failOn, suppressed: 0 },
  };
}

/**
 * The cached scan (judged under the platform default, nothing suppressed) judged under the policy of
 * the release asking for it: the cache is per digest, the policy per repository and commit.
 *
 * Only the listed vulnerabilities (the most severe, at most `MAX_REPORTED_VULNERABILITIES`) can be
 * matched against suppressions; the unlisted rest keeps counting and, when it reaches `failOn`,
 * fails the verdict unless the list's order proves it has no fix (fixable ones are listed first
 * within a severity).
 */
export function applyPolicy(scan: CachedScan, resolved: ResolvedImagePolicy, now: Date): CachedScan {
  const judged = judgeScan(scan.vulnerabilities, resolved.policy, now, { invalid: resolved.invalid !== undefined });
  const listed = countBySeverity(scan.vulnerabilities);
  const counts = { ...judged.counts };
  const last = scan.vulnerabilities.at(-1);
  let tailFails = false;
  for (const severity of Object.keys(counts) as Severity[]) {
    const unlisted = Math.max(0, scan.counts[severity] - listed[severity]);
    counts[severity] += unlisted;
    if (unlisted === 0) continue;
    const maybeFixable = !last || last.severity !== severity || last.fixedVersion !== undefined;
    if (failsUnder(resolved.policy, { severity, fixable: maybeFixable })) tailFails = true;
  }
  const verdict = judged.verdict === 'pass' && tailFails ? 'fail' : judged.verdict;
  return {
    ...scan,
    verdict,
    counts,
    vulnerabilities: judged.vulnerabilities,
    policy: { source: resolved.source, failOn: resolved.policy.failOn, suppressed: judged.suppressed },
  };
}

/** Identity of one finding for change detection: the advisory and the package version it hits. */
export function findingIdOf(v: Pick<ScanVulnerability, 'id' | 'package'>): string {
  return `${v.id} ${v.package.ecosystem}/${v.package.name}@${v.package.version}`;
}

/** The sorted, distinct finding ids of a scan. */
export function findingIdsOf(scan: Pick<CachedScan, 'vulnerabilities'>): string[] {
  return [...new Set(scan.vulnerabilities.map(findingIdOf))].sort();
}

/**
 * `scan.completed` for one event: the (possibly cached) scan, the event's image and release, and
 * the judged secrets, whose verdict joins the vulnerabilities' (a secret that counts fails the gate).
 */
export function completedEvent(
  scan: CachedScan,
  context: { image: ImageReference; release?: ScanRelease; cached: boolean; secrets?: ImageSecretsSection; imageTests?: ImageTestsSection },
): ScanCompletedEvent {
  return {
    kind: 'scan.completed',
    ...(context.release ? { releaseId: context.release.releaseId, repository: context.release.repository } : {}),
    image: context.image,
    platform: scan.platform,
    vulndbVersion: scan.vulndbVersion,
    verdict: combineVerdicts(scan.verdict, context.secrets?.verdict),
    counts: scan.counts,
    vulnerabilities: [...scan.vulnerabilities],
    vulnerabilitiesTruncated: scan.vulnerabilitiesTruncated,
    packageCount: scan.packageCount,
    cached: context.cached,
    policy: scan.policy,
    ...(context.secrets ? { secrets: context.secrets } : {}),
    // Its own gate (`image-tests`): never folded into `verdict`.
    ...(context.imageTests ? { imageTests: context.imageTests } : {}),
  };
}

/** `scan.failed` for one event. */
export function failedEvent(context: { image: ImageReference; release?: ScanRelease; code: string; message: string }): ScanFailedEvent {
  return {
    kind: 'scan.failed',
    ...(context.release ? { releaseId: context.release.releaseId, repository: context.release.repository } : {}),
    image: context.image,
    code: context.code,
    message: context.message.slice(0, 1000),
  };
}

function vulnerabilityOf(finding: MatchOutput['findings'][number]): ScanVulnerability {
  const pkg = finding.package;
  const name = pkg.type === 'maven' && pkg.namespace ? `${pkg.namespace}:${pkg.name}` : pkg.name;
  const fix = finding.fixedVersions[0];
  return {
    id: finding.vulnerabilityId,
    aliases: aliasesOf(finding.vulnerabilityId, finding.aliases),
    package: { name: bounded(name, 200), version: bounded(pkg.version, 64), ecosystem: bounded(finding.ecosystem, 32) },
    ...(fix ? { fixedVersion: bounded(fix, 64) } : {}),
    severity: finding.severity,
    suppressed: false,
  };
}

/** At most three, valid as ids, CVE ids first (the most widely known). */
function aliasesOf(id: string, aliases: readonly string[]): string[] {
  const valid = [...new Set(aliases)].filter((a) => a !== id && VULNERABILITY_ID.test(a));
  const cves = valid.filter((a) => a.startsWith('CVE-'));
  return [...cves, ...valid.filter((a) => !a.startsWith('CVE-'))].slice(0, 3);
}

/** Most severe first; a fixable one before one without a fix; then stable by id and package. */
function byImportance(a: ScanVulnerability, b: ScanVulnerability): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    Number(a.fixedVersion === undefined) - Number(b.fixedVersion === undefined) ||
    a.id.localeCompare(b.id) ||
    a.package.name.localeCompare(b.package.name) ||
    a.package.version.localeCompare(b.package.version)
  );
}

function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
