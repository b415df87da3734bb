import { describe, expect, it } from 'vitest';
import { exampleAuditCompleted, exampleAuditFinding, exampleDependencyAudit } from '../../examples/audit-results.examples.js';
import { AuditCompletedEvent, AuditFinding, type DependencyVulnerability } from './audit-completed.event.js';

describe('AuditFinding', () => {
  it('accepts a redacted finding', () => {
    expect(AuditFinding.safeParse(exampleAuditFinding()).success).toBe(true);
  });

  it('rejects a finding without a fingerprint: triage and dedupe hang on it', () => {
    const { fingerprint: _omitted, ...withoutFingerprint } = exampleAuditFinding();

    const sut = AuditFinding.safeParse(withoutFingerprint);

    expect(sut.success).toBe(false);
    expect(sut.error?.issues.map((i) => i.path)).toEqual([['fingerprint']]);
  });

  it.each([
    ['a plain SHA-256 is fine but not a truncated one', 'e3b0c44298fc1c14'],
    ['upper-case hex', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855'],
    ['a raw token', `ghp_${'a'.repeat(36)}`],
  ])('rejects a fingerprint that is not 64 lower-case hex (%s)', (_case, fingerprint) => {
    expect(AuditFinding.safeParse(exampleAuditFinding({ fingerprint })).success).toBe(false);
  });

  it('rejects a preview with nothing masked, the shape of a leaked raw value', () => {
    const sut = AuditFinding.safeParse(exampleAuditFinding({ preview: `token = "ghp_${'a'.repeat(36)}"` }));

    expect(sut.success).toBe(false);
  });

  it('rejects a preview longer than 120 characters', () => {
    expect(AuditFinding.safeParse(exampleAuditFinding({ preview: `***${'x'.repeat(118)}` })).success).toBe(false);
  });
});

describe('AuditCompletedEvent', () => {
  it('caps findings at 500 (counts carry the rest)', () => {
    const findings = Array.from({ length: 501 }, () => exampleAuditFinding());

    expect(AuditCompletedEvent.safeParse(exampleAuditCompleted({ findings })).success).toBe(false);
    expect(AuditCompletedEvent.safeParse(exampleAuditCompleted({ findings: findings.slice(1), findingsTruncated: true })).success).toBe(
      true,
    );
  });
});

describe('AuditCompletedEvent.repoNotify', () => {
  it('is optional, so producers and consumers without it keep working', () => {
    const { repoNotify: _omitted, ...withoutSettings } = exampleAuditCompleted();

    expect(AuditCompletedEvent.safeParse(withoutSettings).success).toBe(true);
  });

  it('carries valid settings, dropping keys a newer producer may add', () => {
    const repoNotify = { status: 'valid', settings: { channel: 'C0TEAM42', mentions: ['U024BE7LH'], threads: 'per-env' } };

    const sut = AuditCompletedEvent.parse({ ...exampleAuditCompleted(), repoNotify });

    expect(sut.repoNotify).toEqual({ status: 'valid', settings: { channel: 'C0TEAM42', mentions: ['U024BE7LH'] } });
  });

  it.each([
    ['a mass mention', { status: 'valid', settings: { mentions: ['!channel'] } }],
    ['more than 10 mentions', { status: 'valid', settings: { mentions: Array.from({ length: 11 }, (_, i) => `U0${i}AAA`) } }],
    ['a channel that is a URL', { status: 'valid', settings: { channel: 'https://hooks.slack.com/x' } }],
    ['an invalid reading without problems', { status: 'invalid', problems: [], problemsTruncated: false }],
    ['more than 10 problems', { status: 'invalid', problems: Array.from({ length: 11 }, () => ({ path: 'notify', reason: 'WRONG_TYPE' })), problemsTruncated: true }],
    ['a problem path carrying a value', { status: 'invalid', problems: [{ path: 'notify.channel=#secret room', reason: 'INVALID_VALUE' }], problemsTruncated: false }],
    ['a problem path outside notify', { status: 'invalid', problems: [{ path: 'secrets.failOn', reason: 'INVALID_VALUE' }], problemsTruncated: false }],
    ['an unknown status', { status: 'partial', settings: {} }],
  ])('rejects %s', (_case, repoNotify) => {
    expect(AuditCompletedEvent.safeParse({ ...exampleAuditCompleted(), repoNotify }).success).toBe(false);
  });

  it('accepts an invalid reading with paths and reasons', () => {
    const repoNotify = {
      status: 'invalid',
      problems: [
        { path: 'notify.chanel', reason: 'UNKNOWN_KEY' },
        { path: 'notify.mentions[2]', reason: 'INVALID_VALUE' },
        { path: 'notify.*', reason: 'UNKNOWN_KEY' },
      ],
      problemsTruncated: false,
    };

    expect(AuditCompletedEvent.safeParse({ ...exampleAuditCompleted(), repoNotify }).success).toBe(true);
  });
});

describe('AuditCompletedEvent.dependencies', () => {
  it('is optional: an audit.completed without it (an older producer, a push without lockfiles) is valid', () => {
    const { dependencies: _omitted, ...without } = exampleAuditCompleted();
    expect(AuditCompletedEvent.safeParse(without).success).toBe(true);
  });

  it('carries per-lockfile results and file errors, with advisories pointing at their lockfile', () => {
    const sut = AuditCompletedEvent.parse({ ...exampleAuditCompleted(), dependencies: exampleDependencyAudit() });
    expect(sut.dependencies?.files.map((f) => [f.path, f.status])).toEqual([
      ['web/package-lock.json', 'audited'],
      ['worker/requirements.txt', 'error'],
    ]);
    const [vulnerability] = sut.dependencies?.vulnerabilities ?? [];
    expect(sut.dependencies?.files[vulnerability!.file]?.path).toBe('web/package-lock.json');
    expect(vulnerability?.package.purl).toBe('pkg:npm/minimist@1.2.5');
  });

  it('is dropped by a consumer schema that predates it, leaving the rest intact', () => {
    const older = AuditCompletedEvent.omit({ dependencies: true });
    const sut = older.parse({ ...exampleAuditCompleted(), dependencies: exampleDependencyAudit() });
    expect(sut).not.toHaveProperty('dependencies');
    expect(sut.verdict).toBe('fail');
  });

  it.each([
    ['an error file without its reason', { status: 'error' }],
    ['an audited file with an error', { error: { code: 'UNPARSABLE', message: 'x' } }],
    ['more than 5 unpinned names', { unpinnedNames: Array.from({ length: 6 }, (_, i) => `pkg${i}`) }],
    ['an unknown format', { format: 'gemfile-lock' }],
  ])('rejects %s', (_case, change) => {
    const audit = exampleDependencyAudit();
    const files = [{ ...audit.files[0]!, ...change }];
    expect(AuditCompletedEvent.safeParse({ ...exampleAuditCompleted(), dependencies: { ...audit, files } }).success).toBe(false);
  });

  it.each([
    ['more than 100 vulnerabilities', (v: DependencyVulnerability) => Array.from({ length: 101 }, () => v)],
    ['a purl that is not a purl', (v: DependencyVulnerability) => [{ ...v, package: { ...v.package, purl: 'minimist' } }]],
    ['a file index past the cap', (v: DependencyVulnerability) => [{ ...v, file: 25 }]],
  ])('rejects %s', (_case, vulnerabilities) => {
    const audit = exampleDependencyAudit();
    expect(AuditCompletedEvent.safeParse({ ...exampleAuditCompleted(), dependencies: { ...audit, vulnerabilities: vulnerabilities(audit.vulnerabilities[0]!) } }).success).toBe(false);
  });

  it('caps the lockfile list at 25 (filesTruncated says more changed)', () => {
    const audit = exampleDependencyAudit();
    const files = Array.from({ length: 26 }, (_, i) => ({ ...audit.files[0]!, path: `p${i}/package-lock.json` }));
    expect(AuditCompletedEvent.safeParse({ ...exampleAuditCompleted(), dependencies: { ...audit, files } }).success).toBe(false);
    expect(AuditCompletedEvent.safeParse({ ...exampleAuditCompleted(), dependencies: { ...audit, files: files.slice(1), filesTruncated: true } }).success).toBe(true);
  });
});
