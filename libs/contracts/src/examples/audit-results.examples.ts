import type { AuditCompletedEvent, AuditFinding } from '../events/audit-completed/audit-completed.event.js';
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
