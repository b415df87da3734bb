import { describe, expect, it } from 'vitest';
import { exampleAuditCompleted, exampleAuditFinding } from '../../examples/audit-results.examples.js';
import { AuditCompletedEvent, AuditFinding } from './audit-completed.event.js';

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
