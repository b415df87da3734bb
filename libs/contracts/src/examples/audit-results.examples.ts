import type { AuditCompletedEvent, AuditFinding } from '../events/audit-completed/audit-completed.event.js';
import type { DependencyAudit } from '../events/audit-completed/dependency-audit.js';
import type { AuditFailedEvent } from '../events/audit-failed/audit-failed.event.js';
import {
  EXAMPLE_BEFORE_SHA,
  EXAMPLE_FINGERPRINT,
  EXAMPLE_RELEASE_ID,
  EXAMPLE_REPOSITORY,
  EXAMPLE_SHA,
} from './example-values.js';

/** A valid redacted secret finding. */
export function exampleAuditFinding(overrides: Partial<AuditFinding> = {}): AuditFinding {
  return {
    ruleId: 'github-pat',
    kind: 'secret',
    severity: 'high',
    fingerprint: EXAMPLE_FINGERPRINT,
    preview: 'const token = "ghp_****************"',
    path: 'src/payments/webhook.ts',
    line: 12,
    commit: EXAMPLE_SHA,
    author: 'Mona Lisa Octocat',
    triage: 'open',
    ...overrides,
  };
}

/**
 * A dependency audit of a push that changed two lockfiles: one pins a vulnerable minimist, the
 * other could not be parsed.
 */
export function exampleDependencyAudit(overrides: Partial<DependencyAudit> = {}): DependencyAudit {
  return {
    vulndbVersion: 'sha256:3f1a9c0e6b7d2a4c8e5f1b3d7a9c0e2f4b6d8a1c3e5f7b9d0a2c4e6f8b1d3a5c',
    counts: { critical: 1, high: 0, medium: 0, low: 0, unknown: 0 },
    fixableCounts: { critical: 1, high: 0, medium: 0, low: 0, unknown: 0 },
    files: [
      {
        path: 'web/package-lock.json',
        format: 'package-lock',
        status: 'audited',
        packages: 412,
        unpinned: 0,
        unpinnedNames: [],
        unchecked: 0,
        counts: { critical: 1, high: 0, medium: 0, low: 0, unknown: 0 },
      },
      {
        path: 'worker/requirements.txt',
        format: 'requirements',
        status: 'error',
        error: { code: 'UNPARSABLE', message: 'not a valid requirements file' },
        packages: 0,
        unpinned: 0,
        unpinnedNames: [],
        unchecked: 0,
        counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 },
      },
    ],
    filesTruncated: false,
    vulnerabilities: [
      {
        file: 0,
        id: 'GHSA-xvch-5gv4-984h',
        aliases: ['CVE-2021-44906'],
        severity: 'critical',
        package: { name: 'minimist', version: '1.2.5', ecosystem: 'npm', purl: 'pkg:npm/minimist@1.2.5' },
        fixedVersion: '1.2.6',
      },
    ],
    vulnerabilitiesTruncated: false,
    durationMs: 38,
    ...overrides,
  };
}

/** A valid failing `audit.completed` with one finding, one skipped file and the repository's `notify:` settings. */
export function exampleAuditCompleted(overrides: Partial<AuditCompletedEvent> = {}): AuditCompletedEvent {
  return {
    kind: 'audit.completed',
    releaseId: EXAMPLE_RELEASE_ID,
    repository: { ...EXAMPLE_REPOSITORY },
    ref: 'refs/heads/main',
    range: { before: EXAMPLE_BEFORE_SHA, after: EXAMPLE_SHA },
    verdict: 'fail',
    counts: { critical: 0, high: 1, medium: 0, low: 0, unknown: 0 },
    findings: [exampleAuditFinding()],
    findingsTruncated: false,
    skips: [{ path: 'assets/logo.psd', reason: 'BINARY' }],
    skipsTruncated: false,
    policy: { source: 'repository', failOn: 'high', suppressed: 0 },
    repoNotify: { status: 'valid', settings: { channel: '#payments-deploys', mentions: ['S0614TZR7'], minSeverity: 'medium' } },
    stats: { commits: 1, files: 2, durationMs: 184 },
    ...overrides,
  };
}

/** A valid `audit.failed`. */
export function exampleAuditFailed(overrides: Partial<AuditFailedEvent> = {}): AuditFailedEvent {
  return {
    kind: 'audit.failed',
    releaseId: EXAMPLE_RELEASE_ID,
    repository: { ...EXAMPLE_REPOSITORY },
    ref: 'refs/heads/main',
    range: { before: EXAMPLE_BEFORE_SHA, after: EXAMPLE_SHA },
    code: 'FETCH_FAILED',
    message: 'git fetch from the configured GitHub host failed after 5 attempts: connection reset',
    ...overrides,
  };
}
