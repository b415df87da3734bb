import { toCycloneDxJson } from '@portcullis/sbom';
import type { Severity } from '@portcullis/vulndb';
import { createHash } from 'node:crypto';
import type { ImageFinding, ImageScanResult } from './scan-image.js';

export const IMAGE_REPORT_FORMATS = ['table', 'json', 'sarif', 'cyclonedx'] as const;
export type ImageReportFormat = (typeof IMAGE_REPORT_FORMATS)[number];

/** `unknown` fails on every finding (its severity is below low); `none` never fails. */
export const FAIL_ON_LEVELS = ['critical', 'high', 'medium', 'low', 'unknown', 'none'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

export interface ImagePolicy {
  readonly failOn: FailOn;
  /** Only findings with a known fixed version count against the policy (all are still reported). */
  readonly fixableOnly: boolean;
}

/** Grype's order: a finding without a severity ranks below low, so it only fails `--fail-on unknown`. */
const RANK: Record<Severity, number> = { unknown: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function failsPolicy(finding: ImageFinding, policy: ImagePolicy): boolean {
  if (policy.failOn === 'none') return false;
  if (policy.fixableOnly && finding.fixedVersions.length === 0) return false;
  return RANK[finding.severity] >= RANK[policy.failOn];
}

export function failingFindings(result: ImageScanResult, policy: ImagePolicy): ImageFinding[] {
  return (result.match?.findings ?? []).filter((f) => failsPolicy(f, policy));
}

export function renderImageReport(result: ImageScanResult, format: ImageReportFormat, policy: ImagePolicy, now: Date): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(jsonReport(result, policy), null, 2)}\n`;
    case 'table':
      return tableReport(result, policy);
    case 'sarif':
      return `${JSON.stringify(sarifReport(result), null, 2)}\n`;
    case 'cyclonedx':
      // @portcullis/sbom writes the SBOM only (no vulnerabilities section): findings stay in json/sarif.
      return `${toCycloneDxJson(result.sbom, { image: { name: result.image.reference, digest: result.image.digest }, timestamp: now })}\n`;
  }
}

/** Our own JSON report. `findings`/`skipped` are null (not empty) when nothing was matched. */
export function jsonReport(result: ImageScanResult, policy: ImagePolicy) {
  const { match } = result;
  return {
    image: result.image,
    distro: result.sbom.distro ?? null,
    dbVersion: match?.dbVersion ?? null,
    packages: result.sbom.packages.length,
    findings:
      match?.findings.map((f) => ({
        vulnerabilityId: f.vulnerabilityId,
        aliases: f.aliases,
        severity: f.severity,
        package: {
          name: f.sbomPackage.name,
          type: f.sbomPackage.type,
          version: f.sbomPackage.version,
          purl: f.sbomPackage.purl,
          ...(f.sbomPackage.sourceName !== undefined ? { sourceName: f.sbomPackage.sourceName } : {}),
        },
        installedVersion: f.installedVersion,
        fixedVersions: f.fixedVersions,
        ecosystem: f.ecosystem,
        summary: f.summary ?? null,
        locations: f.sbomPackage.locations,
        failsPolicy: failsPolicy(f, policy),
      })) ?? null,
    skipped: match?.skipped.map((s) => ({ package: { name: s.sbomPackage.name, version: s.sbomPackage.version, purl: s.sbomPackage.purl }, reason: s.reason })) ?? null,
    warnings: result.sbom.warnings.map((w) => ({ code: w.code, path: w.path, layerDigest: w.layerDigest })),
    policy: { failOn: policy.failOn, fixableOnly: policy.fixableOnly, failed: failingFindings(result, policy).length > 0 },
  };
}

/** Package names and versions come from the image: never let them drive the terminal. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

function table(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((r) => r.map(printable));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

function tableReport(result: ImageScanResult, policy: ImagePolicy): string {
  const { image, sbom, match } = result;
  let out = `${printable(image.reference)} ${image.digest} (${image.platform})${sbom.distro ? `, ${printable(sbom.distro.prettyName ?? sbom.distro.id)}` : ''}\n\n`;
  if (!match) {
    out += table(
      ['PACKAGE', 'INSTALLED', 'TYPE', 'PATH'],
      sbom.packages.map((p) => [p.name, p.version, p.type, p.locations[0] ? `/${p.locations[0].path}` : '']),
    );
    return `${out}\n${sbom.packages.length} packages; no vulnerability database given (--db), so nothing was matched\n`;
  }
  if (match.findings.length > 0) {
    out += table(
      ['PACKAGE', 'INSTALLED', 'VULNERABILITY', 'SEVERITY', 'FIXED IN'],
      match.findings.map((f) => [f.sbomPackage.name, f.installedVersion, f.vulnerabilityId, f.severity + (failsPolicy(f, policy) ? ' *' : ''), f.fixedVersions.join(', ') || '-']),
    );
    out += '\n';
  }
  const failing = failingFindings(result, policy).length;
  out += `${sbom.packages.length} packages, ${match.findings.length} findings (${failing} failing --fail-on ${policy.failOn}${policy.fixableOnly ? ' --fixable-only' : ''}, marked *), ${match.skipped.length} packages not checked\n`;
  return out;
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', unknown: 'note' };
/** GitHub code scanning reads `security-severity` (a CVSS-like score) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string | undefined> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.0', unknown: undefined };

/** SARIF 2.1.0: one rule per vulnerability, one result per (vulnerability, package). */
export function sarifReport(result: ImageScanResult) {
  const findings = result.match?.findings ?? [];
  const rules: object[] = [];
  const ruleIndex = new Map<string, number>();
  for (const f of findings) {
    if (ruleIndex.has(f.vulnerabilityId)) continue;
    const severity = findings.filter((g) => g.vulnerabilityId === f.vulnerabilityId).reduce<Severity>((s, g) => (RANK[g.severity] > RANK[s] ? g.severity : s), 'unknown');
    const score = SECURITY_SEVERITY[severity];
    ruleIndex.set(f.vulnerabilityId, rules.length);
    rules.push({
      id: f.vulnerabilityId,
      shortDescription: { text: f.summary ?? f.vulnerabilityId },
      helpUri: `https://osv.dev/vulnerability/${encodeURIComponent(f.vulnerabilityId)}`,
      help: { text: `${f.vulnerabilityId}${f.aliases.length ? ` (${f.aliases.join(', ')})` : ''}: ${f.summary ?? 'see the advisory'}` },
      defaultConfiguration: { level: SARIF_LEVEL[severity] },
      properties: { tags: ['security', 'vulnerability'], severity, ...(score ? { 'security-severity': score } : {}) },
    });
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'portcullis', informationUri: 'https://osv.dev', rules } },
        automationDetails: { id: `portcullis/image/${result.image.reference}` },
        results: findings.map((f) => ({
          ruleId: f.vulnerabilityId,
          ruleIndex: ruleIndex.get(f.vulnerabilityId),
          level: SARIF_LEVEL[f.severity],
          message: {
            text:
              `${f.sbomPackage.name} ${f.installedVersion} is affected by ${f.vulnerabilityId} (${f.severity}); ` +
              (f.fixedVersions.length ? `fixed in ${f.fixedVersions.join(', ')}` : 'no fixed version known'),
          },
          locations: f.sbomPackage.locations.map((l) => ({
            physicalLocation: { artifactLocation: { uri: l.path } },
            logicalLocations: [{ name: l.layerDigest, kind: 'module' }],
          })),
          partialFingerprints: { 'portcullisImageFinding/v1': createHash('sha256').update(`${f.vulnerabilityId}\n${f.sbomPackage.purl}`).digest('hex') },
          properties: { purl: f.sbomPackage.purl, installedVersion: f.installedVersion, fixedVersions: f.fixedVersions, aliases: f.aliases, severity: f.severity },
        })),
        properties: { image: result.image, dbVersion: result.match?.dbVersion ?? null },
      },
    ],
  };
}
