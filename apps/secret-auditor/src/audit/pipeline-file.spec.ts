import { describe, expect, it } from 'vitest';
import { readPipelineFile } from './pipeline-file.js';
import { defaultSecretsPolicy } from '@portcullis/secrets';

const found = (content: string) => ({ kind: 'found' as const, content });

describe('readPipelineFile', () => {
  it('uses the platform policy and carries no notify settings when the file is missing', () => {
    expect(readPipelineFile({ kind: 'missing' }, 'critical')).toEqual({
      secrets: { policy: defaultSecretsPolicy('critical'), invalid: false },
      notify: undefined,
    });
  });

  it('reads both sections from one document', () => {
    const sut = readPipelineFile(found('secrets:\n  failOn: medium\nnotify:\n  channel: "#team-payments"\n  mentions: [U024BE7LH]\n'), 'high');

    expect(sut.secrets).toEqual({ policy: { source: 'repository', failOn: 'medium', suppressions: [], ignorePaths: [] }, invalid: false });
    expect(sut.notify).toEqual({ status: 'valid', settings: { channel: '#team-payments', mentions: ['U024BE7LH'] } });
  });

  it('carries no notify settings when the file has no notify section', () => {
    expect(readPipelineFile(found('secrets:\n  failOn: low\n'), 'high').notify).toBeUndefined();
    expect(readPipelineFile(found('notify:\n'), 'high').notify).toBeUndefined();
  });

  it('leaves the secrets policy alone when only the notify section is invalid', () => {
    const sut = readPipelineFile(found('secrets:\n  failOn: medium\nnotify:\n  chanel: "#team-payments"\n  mentions: ["@here"]\n'), 'high');

    expect(sut.secrets).toEqual({ policy: expect.objectContaining({ source: 'repository', failOn: 'medium' }), invalid: false });
    expect(sut.notify).toEqual({
      status: 'invalid',
      problems: [
        { path: 'notify.mentions[0]', reason: 'INVALID_VALUE' },
        { path: 'notify.chanel', reason: 'UNKNOWN_KEY' },
      ],
      problemsTruncated: false,
    });
  });

  it('still carries valid notify settings when the secrets section is invalid', () => {
    const sut = readPipelineFile(found('secrets:\n  failon: low\nnotify:\n  minSeverity: high\n'), 'high');

    expect(sut.secrets).toEqual({ policy: defaultSecretsPolicy('high'), invalid: true });
    expect(sut.notify).toEqual({ status: 'valid', settings: { minSeverity: 'high' } });
  });

  it.each([
    ['cannot be parsed', found('secrets: [unclosed\nnotify:\n  channel: "#x"\n')],
    ['is too large', { kind: 'too-large' as const }],
  ])('reports both sections unusable when the file %s', (_case, file) => {
    const sut = readPipelineFile(file, 'high');

    expect(sut.secrets).toEqual({ policy: defaultSecretsPolicy('high'), invalid: true });
    expect(sut.notify).toEqual({ status: 'invalid', problems: [{ path: 'notify', reason: 'UNREADABLE_FILE' }], problemsTruncated: false });
  });
});
