import type { ImageSecretFinding, ImageSecretsSection, ImageTestsSection, ScanCompletedEvent, ScanVulnerability } from '../events/scan-completed/scan-completed.event.js';
import type { ScanFailedEvent } from '../events/scan-failed/scan-failed.event.js';
import { EXAMPLE_FINGERPRINT, EXAMPLE_IMAGE, EXAMPLE_RELEASE_ID, EXAMPLE_REPOSITORY } from './example-values.js';

/** A valid vulnerability entry (a real advisory: CVE-2024-3094, xz-utils). */
export function exampleScanVulnerability(overrides: Partial<ScanVulnerability> = {}): ScanVulnerability {
  return {
    id: 'CVE-2024-3094',
    aliases: ['DSA-5649-1'],
    package: { name: 'liblzma5', version: '5.6.0-0.2', ecosystem: 'Debian:13' },
    fixedVersion: '5.6.1+really5.4.5-1',
    severity: 'critical',
    suppressed: false,
    ...overrides,
  };
}

/** A secret baked into a layer of the example image (a token copied in by one build step and deleted by a later one). */
export function exampleImageSecretFinding(overrides: Partial<ImageSecretFinding> = {}): ImageSecretFinding {
  return {
    ruleId: 'github-pat',
    severity: 'critical',
    source: 'layer',
    layerDigest: `sha256:${'7a'.repeat(32)}`,
    path: 'root/.config/gh/hosts.yml',
    line: 3,
    fingerprint: EXAMPLE_FINGERPRINT,
    preview: 'oauth_token: ghp_***',
    deletedLater: true,
    triage: 'open',
    suppressed: false,
    ...overrides,
  };
}

/** The secrets section of the example scan: one finding, binaries counted, one file over the size cap. */
export function exampleImageSecrets(overrides: Partial<ImageSecretsSection> = {}): ImageSecretsSection {
  return {
    verdict: 'fail',
    counts: { critical: 1, high: 0, medium: 0, low: 0, unknown: 0 },
    findings: [exampleImageSecretFinding()],
    findingsTruncated: false,
    skipped: [
      { reason: 'BINARY', files: 412 },
      { reason: 'TOO_LARGE', files: 1 },
    ],
    skips: [{ layerDigest: `sha256:${'3c'.repeat(32)}`, path: 'usr/share/app/data.json', reason: 'TOO_LARGE' }],
    skipsTruncated: false,
    policy: { source: 'repository', failOn: 'high', suppressed: 0 },
    stats: { layers: 4, files: 1873, bytes: 21_408_113 },
    ...overrides,
  };
}

/**
 * The image tests of the example release, all passed: a non-root user, no shell or private key,
 * the server binary present, and `--version` run in the image.
 */
export function exampleImageTests(overrides: Partial<ImageTestsSection> = {}): ImageTestsSection {
  return {
    verdict: 'passed',
    passed: 4,
    failed: 0,
    notRun: 0,
    results: [
      { id: 'metadata.nonRoot', kind: 'metadata', status: 'passed' },
      { id: 'content.forbid.shells', kind: 'content', status: 'passed' },
      { id: 'content.mustExist', kind: 'content', status: 'passed' },
      { id: 'command.version', kind: 'command', status: 'passed' },
    ],
    resultsTruncated: false,
    ...overrides,
  };
}

/** A valid failing `scan.completed` of the example image for the example release. */
export function exampleScanCompleted(overrides: Partial<ScanCompletedEvent> = {}): ScanCompletedEvent {
  return {
    kind: 'scan.completed',
    releaseId: EXAMPLE_RELEASE_ID,
    repository: { ...EXAMPLE_REPOSITORY },
    image: { ...EXAMPLE_IMAGE },
    platform: 'linux/amd64',
    vulndbVersion: '2025-01-15T06.00.00Z-osv',
    verdict: 'fail',
    counts: { critical: 1, high: 0, medium: 0, low: 0, unknown: 0 },
    vulnerabilities: [exampleScanVulnerability()],
    vulnerabilitiesTruncated: false,
    packageCount: 212,
    cached: false,
    policy: { source: 'repository', failOn: 'critical', suppressed: 0 },
    secrets: exampleImageSecrets(),
    imageTests: exampleImageTests(),
    ...overrides,
  };
}

/** A valid `scan.failed`. */
export function exampleScanFailed(overrides: Partial<ScanFailedEvent> = {}): ScanFailedEvent {
  return {
    kind: 'scan.failed',
    releaseId: EXAMPLE_RELEASE_ID,
    repository: { ...EXAMPLE_REPOSITORY },
    image: { ...EXAMPLE_IMAGE },
    code: 'DIGEST_MISMATCH',
    message: 'layer 3 of 7 did not match its digest; the registry or a proxy altered it',
    ...overrides,
  };
}
