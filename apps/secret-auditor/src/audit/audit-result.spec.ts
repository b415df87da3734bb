import { AuditCompletedEvent, AuditFailedEvent, ZERO_SHA } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { type AuditOutcomeInput, buildAuditCompleted, buildAuditFailed, maskUrlCredentials, meetsThreshold, type ScannedFinding } from './audit-result.js';
import { defaultSecretsPolicy, resolveSecretsPolicy, type SecretsPolicy } from '@portcullis/secrets';

const now = new Date('2026-06-01T00:00:00Z');
const repository = { provider: 'github' as const, owner: 'acme', name: 'shop' };
const BEFORE = '1'.repeat(40);
const AFTER = '2'.repeat(40);
const fp = (n: number) => n.toString(16).padStart(64, '0');

function finding(overrides: Partial<ScannedFinding> = {}): ScannedFinding {
  return {
    ruleId: 'github-pat',
    kind: 'secret',
    severity: 'high',
    path: 'src/app.ts',
    line: 3,
    fingerprint: fp(1),
    preview: 'token = "ghp_****"',
    commit: AFTER,
    author: 'Mona',
    ...overrides,
  };
}

function input(overrides: Partial<AuditOutcomeInput> = {}): AuditOutcomeInput {
  return {
    repository,
    ref: 'refs/heads/main',
    range: { before: BEFORE, after: AFTER },
    findings: [],
    skips: [],
    policy: defaultSecretsPolicy(),
    triage: new Map(),
    stats: { commits: 2, files: 5, durationMs: 120 },
    now,
    ...overrides,
  };
}

function policy(section: unknown): SecretsPolicy {
  const resolved = resolveSecretsPolicy(section);
  if (!resolved.ok) throw new Error(resolved.problems.join('; '));
  return resolved.policy;
}

describe('buildAuditCompleted', () => {
  it('passes a clean range, with the release id and the contract shape', () => {
    const sut = buildAuditCompleted(input());
    expect(AuditCompletedEvent.parse(sut)).toEqual(sut);
    expect(sut).toMatchObject({
      kind: 'audit.completed',
      releaseId: `github/acme/shop@${AFTER}`,
      verdict: 'pass',
      counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 },
      findings: [],
      findingsTruncated: false,
      skipsTruncated: false,
      policy: { source: 'default', failOn: 'high', suppressed: 0 },
      stats: { commits: 2, files: 5, durationMs: 120 },
    });
  });

  it('fails at or above failOn and passes below it', () => {
    expect(buildAuditCompleted(input({ findings: [finding({ severity: 'high' })] })).verdict).toBe('fail');
    expect(buildAuditCompleted(input({ findings: [finding({ severity: 'critical' })] })).verdict).toBe('fail');
    expect(buildAuditCompleted(input({ findings: [finding({ severity: 'medium' })] })).verdict).toBe('pass');
    expect(buildAuditCompleted(input({ findings: [finding({ severity: 'medium' })], policy: policy({ failOn: 'medium' }) })).verdict).toBe('fail');
    expect(buildAuditCompleted(input({ findings: [finding({ severity: 'unknown' })], policy: policy({ failOn: 'low' }) })).verdict).toBe('pass');
  });

  it('counts every finding that counts, lists them most severe first, and flags the cap', () => {
    const many = Array.from({ length: 600 }, (_, i) => finding({ fingerprint: fp(i + 1), line: i + 1, severity: i % 3 === 0 ? 'low' : i % 3 === 1 ? 'medium' : 'critical' }));
    const sut = buildAuditCompleted(input({ findings: many }));
    expect(sut.counts).toEqual({ critical: 200, high: 0, medium: 200, low: 200, unknown: 0 });
    expect(sut.findings).toHaveLength(500);
    expect(sut.findingsTruncated).toBe(true);
    const severities = sut.findings.map((f) => f.severity);
    expect(severities.slice(0, 200).every((s) => s === 'critical')).toBe(true);
    expect(severities.slice(200, 400).every((s) => s === 'medium')).toBe(true);
    expect(severities.slice(400).every((s) => s === 'low')).toBe(true);
    expect(() => AuditCompletedEvent.parse(sut)).not.toThrow();
  });

  it('takes triaged findings out of the verdict, reports their state, and counts them as suppressed', () => {
    const triage = new Map([
      [fp(1), { state: 'false_positive' as const }],
      [fp(2), { state: 'rotated' as const }],
      [fp(3), { state: 'accepted' as const, until: '2026-12-31T00:00:00Z' }],
    ]);
    const sut = buildAuditCompleted(input({ findings: [1, 2, 3].map((n) => finding({ fingerprint: fp(n), line: n })), triage }));
    expect(sut.verdict).toBe('pass');
    expect(sut.counts.high).toBe(0);
    expect(sut.policy.suppressed).toBe(3);
    expect(sut.findings.map((f) => f.triage)).toEqual(['false_positive', 'rotated', 'accepted']);
  });

  it('counts a lapsed acceptance again, as open', () => {
    const triage = new Map([[fp(1), { state: 'accepted' as const, until: '2026-05-31T23:59:59Z' }]]);
    const sut = buildAuditCompleted(input({ findings: [finding()], triage }));
    expect(sut.verdict).toBe('fail');
    expect(sut.findings[0]!.triage).toBe('open');
    expect(sut.policy.suppressed).toBe(0);
  });

  it('applies live suppressions from the repository policy and ignores expired ones', () => {
    const repoPolicy = policy({
      suppressions: [
        { fingerprint: fp(1), reason: 'test key', until: '2026-12-31', owner: 'o' },
        { ruleId: 'github-pat', path: 'test/**', reason: 'fixtures', until: '2026-12-31', owner: 'o' },
        { fingerprint: fp(3), reason: 'expired', until: '2026-01-01', owner: 'o' },
      ],
    });
    const sut = buildAuditCompleted(
      input({
        policy: repoPolicy,
        findings: [finding({ fingerprint: fp(1) }), finding({ fingerprint: fp(2), path: 'test/data/x.json' }), finding({ fingerprint: fp(3), path: 'src/b.ts' })],
      }),
    );
    expect(sut.counts.high).toBe(1);
    expect(sut.policy).toEqual({ source: 'repository', failOn: 'high', suppressed: 2 });
    expect(sut.verdict).toBe('fail');
    // Counted before suppressed within one severity.
    expect(sut.findings[0]!.fingerprint).toBe(fp(3));
  });

  it('does not count findings under ignored paths', () => {
    const sut = buildAuditCompleted(input({ policy: policy({ paths: { ignore: ['vendor/**'] } }), findings: [finding({ path: 'vendor/x/y.go' })] }));
    expect(sut.verdict).toBe('pass');
    expect(sut.policy.suppressed).toBe(1);
  });

  it('reports verdict error when the repository policy was invalid, still listing what was found', () => {
    const sut = buildAuditCompleted(input({ policyInvalid: true, findings: [finding({ severity: 'low' })] }));
    expect(sut.verdict).toBe('error');
    expect(sut.counts.low).toBe(1);
  });

  it('carries the notify section as read, and omits the field when the repository has none', () => {
    const valid = { status: 'valid' as const, settings: { channel: '#team-shop', mentions: ['U024BE7LH'], minSeverity: 'medium' as const } };
    const invalid = { status: 'invalid' as const, problems: [{ path: 'notify.chanel', reason: 'UNKNOWN_KEY' }], problemsTruncated: false };

    expect(AuditCompletedEvent.parse(buildAuditCompleted(input({ repoNotify: valid }))).repoNotify).toEqual(valid);
    expect(AuditCompletedEvent.parse(buildAuditCompleted(input({ repoNotify: invalid }))).repoNotify).toEqual(invalid);
    expect(buildAuditCompleted(input())).not.toHaveProperty('repoNotify');
    expect(buildAuditCompleted(input({ repoNotify: undefined }))).not.toHaveProperty('repoNotify');
  });

  it('reaches the same verdict whatever the notify section says', () => {
    const findings = [finding({ severity: 'high' })];
    const invalid = { status: 'invalid' as const, problems: [{ path: 'notify', reason: 'WRONG_TYPE' }], problemsTruncated: false };

    expect(buildAuditCompleted(input({ findings, repoNotify: invalid })).verdict).toBe('fail');
    expect(buildAuditCompleted(input({ repoNotify: invalid })).verdict).toBe('pass');
  });

  it('drops exact repeats of one finding but keeps the same secret in two places', () => {
    const sut = buildAuditCompleted(input({ findings: [finding(), finding(), finding({ line: 9 })] }));
    expect(sut.counts.high).toBe(2);
    expect(sut.findings).toHaveLength(2);
  });

  it('keeps at most 100 skips, deduplicated, and flags the cap', () => {
    const skips = Array.from({ length: 150 }, (_, i) => ({ path: `bin/${i}.png`, reason: 'BINARY' }));
    const sut = buildAuditCompleted(input({ skips: [...skips, skips[0]!] }));
    expect(sut.skips).toHaveLength(100);
    expect(sut.skipsTruncated).toBe(true);
    expect(buildAuditCompleted(input({ skips: [skips[0]!, skips[0]!] })).skips).toEqual([skips[0]]);
  });

  it('stays within the contract for oversized authors and paths', () => {
    const sut = buildAuditCompleted(input({ findings: [finding({ author: 'x'.repeat(300), path: `${'d/'.repeat(400)}key.pem` })] }));
    expect(() => AuditCompletedEvent.parse(sut)).not.toThrow();
    expect(sut.findings[0]!.path.endsWith('key.pem')).toBe(true);
  });

  it('reports a new branch from all zeros', () => {
    const sut = buildAuditCompleted(input({ range: { before: ZERO_SHA, after: AFTER } }));
    expect(sut.range.before).toBe(ZERO_SHA);
    expect(() => AuditCompletedEvent.parse(sut)).not.toThrow();
  });
});

describe('buildAuditFailed', () => {
  it('builds a valid body and masks credentials in URLs', () => {
    const sut = buildAuditFailed({
      repository,
      ref: 'refs/heads/main',
      range: { before: BEFORE, after: AFTER },
      code: 'FETCH_FAILED',
      message: 'git fetch https://x-access-token:ghs_abc123@github.com/acme/shop.git failed:\n connection reset',
    });
    expect(AuditFailedEvent.parse(sut)).toEqual(sut);
    expect(sut.message).toBe('git fetch https://***@github.com/acme/shop.git failed: connection reset');
    expect(sut.releaseId).toBe(`github/acme/shop@${AFTER}`);
  });

  it('falls back to a valid code and bounds the message', () => {
    const sut = buildAuditFailed({ repository, ref: 'refs/heads/main', range: { before: BEFORE, after: AFTER }, code: 'not a code!', message: 'm'.repeat(5000) });
    expect(sut.code).toBe('AUDIT_FAILED');
    expect(sut.message.length).toBe(1000);
    expect(() => AuditFailedEvent.parse(sut)).not.toThrow();
  });

  it('masks every credentialed URL, leaving plain ones', () => {
    expect(maskUrlCredentials('a ssh://git:pw@h/x and https://h/y')).toBe('a ssh://***@h/x and https://h/y');
  });
});

describe('meetsThreshold', () => {
  it('ranks unknown lowest', () => {
    expect(meetsThreshold('critical', 'high')).toBe(true);
    expect(meetsThreshold('low', 'high')).toBe(false);
    expect(meetsThreshold('unknown', 'low')).toBe(false);
    expect(meetsThreshold('unknown', 'unknown')).toBe(true);
  });
});
