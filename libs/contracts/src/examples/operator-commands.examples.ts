import type { FindingTriageCommand } from '../events/finding-triage/finding-triage.event.js';
import type { ReleaseApproveCommand } from '../events/release-approve/release-approve.event.js';
import type { ReleasePromoteCommand } from '../events/release-promote/release-promote.event.js';
import type { ReleaseRollbackCommand } from '../events/release-rollback/release-rollback.event.js';
import type { SecretsSweepCommand } from '../events/secrets-sweep/secrets-sweep.event.js';
import type { VulnerabilityAcceptCommand } from '../events/vulnerability-accept/vulnerability-accept.event.js';
import { EXAMPLE_ACTOR, EXAMPLE_DIGEST, EXAMPLE_FINGERPRINT, EXAMPLE_RELEASE_ID, EXAMPLE_REPOSITORY } from './example-values.js';

const commandBase = () => ({ actor: { ...EXAMPLE_ACTOR }, repository: { ...EXAMPLE_REPOSITORY } });

/** A valid `release.approve` from Slack. */
export function exampleReleaseApprove(overrides: Partial<ReleaseApproveCommand> = {}): ReleaseApproveCommand {
  return {
    kind: 'release.approve',
    requestId: 'slack-1737000000.000100-approve',
    ...commandBase(),
    releaseId: EXAMPLE_RELEASE_ID,
    environment: 'production',
    comment: 'Change window CHG-1234',
    ...overrides,
  };
}

/** A valid `release.promote` from the CLI. */
export function exampleReleasePromote(overrides: Partial<ReleasePromoteCommand> = {}): ReleasePromoteCommand {
  return {
    kind: 'release.promote',
    requestId: 'cli-5b0e7f2a',
    ...commandBase(),
    actor: { source: 'cli', id: 'dana', name: 'Dana Ops' },
    releaseId: EXAMPLE_RELEASE_ID,
    environment: 'production',
    ...overrides,
  };
}

/** A valid `release.rollback` from the HTTP API. */
export function exampleReleaseRollback(overrides: Partial<ReleaseRollbackCommand> = {}): ReleaseRollbackCommand {
  return {
    kind: 'release.rollback',
    requestId: 'api-0c8d2e91',
    ...commandBase(),
    actor: { source: 'api', id: 'token:release-bot', name: 'release-bot' },
    releaseId: EXAMPLE_RELEASE_ID,
    environment: 'production',
    reason: 'Checkout error rate doubled after the switch',
    ...overrides,
  };
}

/** A valid `finding.triage` marking the example finding as rotated. */
export function exampleFindingTriage(overrides: Partial<FindingTriageCommand> = {}): FindingTriageCommand {
  return {
    kind: 'finding.triage',
    requestId: 'slack-1737000000.000200-triage',
    ...commandBase(),
    fingerprint: EXAMPLE_FINGERPRINT,
    state: 'rotated',
    reason: 'Token revoked in GitHub settings and replaced',
    releaseId: EXAMPLE_RELEASE_ID,
    ...overrides,
  };
}

/** A valid `vulnerability.accept` for the example image until a date. */
export function exampleVulnerabilityAccept(overrides: Partial<VulnerabilityAcceptCommand> = {}): VulnerabilityAcceptCommand {
  return {
    kind: 'vulnerability.accept',
    requestId: 'slack-1737000000.000300-accept',
    ...commandBase(),
    vulnerabilityId: 'CVE-2024-3094',
    packageName: 'liblzma5',
    imageDigest: EXAMPLE_DIGEST,
    until: '2025-02-15T00:00:00.000Z',
    reason: 'The sshd path is not present in this image; upgrade scheduled with the base image',
    releaseId: EXAMPLE_RELEASE_ID,
    ...overrides,
  };
}

/** A valid `secrets.sweep` of the example repository's default branch. */
export function exampleSecretsSweep(overrides: Partial<SecretsSweepCommand> = {}): SecretsSweepCommand {
  return {
    kind: 'secrets.sweep',
    requestId: 'cli-5b1e07aa',
    ...commandBase(),
    actor: { source: 'cli', id: 'user:alice', name: 'alice' },
    reason: 'Onboarding the repository: audit its history once',
    ...overrides,
  };
}
