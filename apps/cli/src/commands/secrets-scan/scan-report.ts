import type { Finding, Skip } from '@portcullis/secrets';

/** A finding as the CLI reports it: the engine's redacted finding, plus the commit when scanning history. */
export interface ReportedFinding extends Finding {
  readonly commit?: string;
  readonly author?: string;
}

/** What one `portcullis secrets scan` found. Never holds a secret value: fingerprints and masked previews only. */
export interface ScanReport {
  readonly findings: readonly ReportedFinding[];
  readonly skips: readonly Skip[];
  /** Findings left out because their fingerprint is in the baseline. */
  readonly baselined: number;
  /** Findings a suppression of the repository's `.portcullis.yaml` covers: listed, never counted. */
  readonly suppressed: readonly SuppressedFinding[];
  /** Files not scanned because a `secrets.paths.ignore` glob of the policy matches them. */
  readonly ignored: number;
  readonly stats: { readonly files: number; readonly bytes: number; readonly durationMs: number };
}

/** A finding a suppression covers, with the suppression's own account of why. */
export interface SuppressedFinding {
  readonly ruleId: string;
  readonly path: string;
  readonly line: number;
  readonly fingerprint: string;
  readonly reason: string;
  readonly owner: string;
  readonly until: string;
}

export type ReportFormat = 'json' | 'sarif' | 'gitleaks';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'sarif', 'gitleaks'];

export function renderReport(report: ScanReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ tool: 'portcullis', version: 1, ...report }, null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(toSarif(report), null, 2)}\n`;
    case 'gitleaks':
      return `${JSON.stringify(report.findings.map(toGitleaks), null, 2)}\n`;
  }
}

/** Fingerprints of a previous report in any of our formats: what `--baseline` suppresses. */
export function baselineFingerprints(text: string): Set<string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('the baseline is not JSON (expected a report written by `portcullis secrets scan --format json|sarif|gitleaks`)');
  }
  const found = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && /^[0-9a-f]{64}$/.test(value)) found.add(value);
  };
  if (Array.isArray(parsed)) {
    for (const item of parsed) add((item as { Fingerprint?: unknown }).Fingerprint);
  } else if (parsed && typeof parsed === 'object') {
    const report = parsed as { findings?: unknown; runs?: unknown };
    if (Array.isArray(report.findings)) for (const f of report.findings) add((f as { fingerprint?: unknown }).fingerprint);
    if (Array.isArray(report.runs)) {
      for (const run of report.runs as { results?: { partialFingerprints?: Record<string, unknown> }[] }[]) {
        for (const result of run.results ?? []) add(result.partialFingerprints?.[SARIF_FINGERPRINT]);
      }
    }
  }
  return found;
}

const SARIF_FINGERPRINT = 'portcullisSecret/v1';

const SARIF_LEVEL: Record<Finding['severity'], 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  unknown: 'warning',
};

/** SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/), as code-scanning UIs read it. */
function toSarif(report: ScanReport): object {
  const rules = new Map<string, Finding>();
  for (const finding of report.findings) if (!rules.has(finding.ruleId)) rules.set(finding.ruleId, finding);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'portcullis',
            informationUri: 'https://github.com/portcullis/portcullis',
            rules: [...rules.values()].map((f) => ({
              id: f.ruleId,
              shortDescription: { text: f.description },
              properties: { 'security-severity': SECURITY_SEVERITY[f.severity], tags: ['security', 'secret'] },
            })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.ruleId,
          level: SARIF_LEVEL[f.severity],
          message: { text: `${f.description}: ${f.preview}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: f.path }, region: { startLine: f.line } } }],
          partialFingerprints: { [SARIF_FINGERPRINT]: f.fingerprint },
          ...(f.commit ? { properties: { commit: f.commit, author: f.author } } : {}),
        })),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.skips.map((s) => ({
              level: 'note',
              message: { text: `not scanned: ${s.reason}` },
              locations: [{ physicalLocation: { artifactLocation: { uri: s.path } } }],
            })),
          },
        ],
      },
    ],
  };
}

const SECURITY_SEVERITY: Record<Finding['severity'], string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.0', unknown: '5.0' };

/**
 * gitleaks' JSON report shape, as `gitleaks --redact` writes it (so tools built on gitleaks reports
 * keep working): `Secret` is always `REDACTED` and `Match` is our masked preview.
 */
function toGitleaks(f: ReportedFinding): object {
  return {
    Description: f.description,
    StartLine: f.line,
    EndLine: f.line,
    StartColumn: 0,
    EndColumn: 0,
    Match: f.preview,
    Secret: 'REDACTED',
    File: f.path,
    SymlinkFile: '',
    Commit: f.commit ?? '',
    Entropy: 0,
    Author: f.author ?? '',
    Email: '',
    Date: '',
    Message: '',
    Tags: [],
    RuleID: f.ruleId,
    Fingerprint: f.fingerprint,
  };
}
