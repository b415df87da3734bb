import { defaultSecretsPolicy, type SecretsPolicy } from '@portcullis/secrets';
import { describe, expect, it } from 'vitest';
import { type ImageSecretHit, type ImageSecretsScan } from './image-secrets.js';
import { combineVerdicts, judgeImageSecrets, type TriageDecision } from './judge-secrets.js';

const now = new Date('2026-06-01T00:00:00Z');
const fp = (c: string) => c.repeat(64);
const L1 = `sha256:${'1'.repeat(64)}`;
const hit = (overrides: Partial<ImageSecretHit> = {}): ImageSecretHit => ({
  ruleId: 'github-pat',
  severity: 'critical',
  path: 'root/.npmrc',
  line: 1,
  fingerprint: fp('a'),
  preview: 'ghp_***',
  source: 'layer',
  layerDigest: L1,
  deletedLater: false,
  ...overrides,
});
const scan = (findings: ImageSecretHit[], overflow: ImageSecretsScan['overflow'] = {}): ImageSecretsScan => ({
  findings,
  overflow,
  skipped: [{ reason: 'BINARY', files: 3 }],
  skips: [],
  skipsTotal: 0,
  stats: { layers: 1, files: 1, bytes: 10 },
});
const repository = (overrides: Partial<SecretsPolicy> = {}): SecretsPolicy => ({ ...defaultSecretsPolicy('high'), source: 'repository', ...overrides });
const none = new Map<string, TriageDecision>();

describe('judgeImageSecrets', () => {
  it('fails on a finding that counts, deleted in a later layer or not', () => {
    const sut = judgeImageSecrets(scan([hit({ deletedLater: true })]), { policy: defaultSecretsPolicy('high') }, none, now);

    expect(sut).toMatchObject({ verdict: 'fail', counts: { critical: 1 }, policy: { source: 'default', failOn: 'high', suppressed: 0 } });
    expect(sut.findings).toEqual([expect.objectContaining({ deletedLater: true, triage: 'open', suppressed: false })]);
  });

  it('passes a finding below failOn, counting it', () => {
    const sut = judgeImageSecrets(scan([hit({ severity: 'medium' })]), { policy: defaultSecretsPolicy('high') }, none, now);

    expect(sut).toMatchObject({ verdict: 'pass', counts: { medium: 1 } });
  });

  it('applies suppressions of the secrets policy: by fingerprint, and by rule and path glob, until they expire', () => {
    const policy = repository({
      suppressions: [
        { fingerprint: fp('a'), reason: 'test key', until: '2027-01-01T00:00:00.000Z', owner: 'team' },
        { ruleId: 'aws-access-key-id', path: 'usr/share/doc/**', reason: 'docs', until: '2027-01-01T00:00:00.000Z', owner: 'team' },
        { fingerprint: fp('c'), reason: 'expired', until: '2026-01-01T00:00:00.000Z', owner: 'team' },
      ],
    });
    const findings = [hit(), hit({ ruleId: 'aws-access-key-id', path: 'usr/share/doc/aws/example.txt', fingerprint: fp('b') }), hit({ fingerprint: fp('c'), path: 'etc/app.conf' })];

    const sut = judgeImageSecrets(scan(findings), { policy }, none, now);

    expect(sut.findings.map((f) => [f.path, f.suppressed])).toEqual([
      ['etc/app.conf', false],
      ['root/.npmrc', true],
      ['usr/share/doc/aws/example.txt', true],
    ]);
    expect(sut).toMatchObject({ verdict: 'fail', counts: { critical: 1 }, policy: { source: 'repository', suppressed: 2 } });
  });

  it('takes triage decisions the way repository findings do: rotated counts no more, a lapsed acceptance counts again', () => {
    const triage = new Map<string, TriageDecision>([
      [fp('a'), { state: 'rotated' }],
      [fp('b'), { state: 'accepted', until: '2026-05-01T00:00:00.000Z' }],
    ]);

    const sut = judgeImageSecrets(scan([hit(), hit({ fingerprint: fp('b'), path: 'b' })]), { policy: defaultSecretsPolicy('high') }, triage, now);

    expect(sut.findings.map((f) => [f.fingerprint, f.triage, f.suppressed])).toEqual([
      [fp('b'), 'open', false],
      [fp('a'), 'rotated', true],
    ]);
    expect(sut.verdict).toBe('fail');
  });

  it('applies ignored paths to layer files only, not to env and history', () => {
    const policy = repository({ ignorePaths: ['usr/**', 'config*', 'history*'] });

    const sut = judgeImageSecrets(scan([hit({ source: 'env', path: 'config.env[TOKEN]' }), hit({ fingerprint: fp('b'), path: 'usr/share/doc/x' })]), { policy }, none, now);

    expect(sut.findings.map((f) => [f.source, f.suppressed])).toEqual([
      ['env', false],
      ['layer', true],
    ]);
  });

  it('counts findings the scan could not keep, and fails on them', () => {
    const sut = judgeImageSecrets(scan([], { high: 2 }), { policy: defaultSecretsPolicy('high') }, none, now);

    expect(sut).toMatchObject({ verdict: 'fail', counts: { high: 2 }, findingsTruncated: true });
  });

  it('is error with an invalid secrets section', () => {
    expect(judgeImageSecrets(scan([]), { policy: defaultSecretsPolicy(), invalid: ['secrets.failon: unknown key'] }, none, now).verdict).toBe('error');
  });
});

describe('combineVerdicts', () => {
  it('lets a failing secrets verdict fail a passing vulnerability verdict, and error win', () => {
    expect(combineVerdicts('pass', 'fail')).toBe('fail');
    expect(combineVerdicts('fail', 'pass')).toBe('fail');
    expect(combineVerdicts('pass', 'pass')).toBe('pass');
    expect(combineVerdicts('fail', 'error')).toBe('error');
    expect(combineVerdicts('pass', undefined)).toBe('pass');
  });
});
