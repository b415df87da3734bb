import { AuditCompletedEvent, exampleAuditCompleted } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { readNotifySection, unreadableNotifySection } from './notify-section.schema.js';

/** The reading must always fit the contract, whatever the file held. */
function fitsContract(repoNotify: unknown): boolean {
  return AuditCompletedEvent.safeParse({ ...exampleAuditCompleted(), repoNotify }).success;
}

describe('readNotifySection', () => {
  it('is absent when the section is (notify: with nothing under it included)', () => {
    expect(readNotifySection(undefined)).toBeUndefined();
    expect(readNotifySection(null)).toBeUndefined();
  });

  it('carries a valid section as its settings', () => {
    const sut = readNotifySection({ channel: '#team-payments', mentions: ['U024BE7LH', 'S0614TZR7'], minSeverity: 'medium' });

    expect(sut).toEqual({ status: 'valid', settings: { channel: '#team-payments', mentions: ['U024BE7LH', 'S0614TZR7'], minSeverity: 'medium' } });
    expect(fitsContract(sut)).toBe(true);
  });

  it('accepts an empty section: the platform routing applies unchanged', () => {
    expect(readNotifySection({})).toEqual({ status: 'valid', settings: {} });
  });

  it('reports a typo as an unknown key instead of ignoring it', () => {
    expect(readNotifySection({ chanel: '#team-payments' })).toEqual({
      status: 'invalid',
      problems: [{ path: 'notify.chanel', reason: 'UNKNOWN_KEY' }],
      problemsTruncated: false,
    });
  });

  it('names every offending path with a reason, and never a value', () => {
    const sut = readNotifySection({ channel: 'https://hooks.slack.com/services/T0/B0/secretpart', mentions: ['U024BE7LH', '!channel'], minSeverity: 'severe' });

    expect(sut).toEqual({
      status: 'invalid',
      problems: expect.arrayContaining([
        { path: 'notify.channel', reason: 'INVALID_VALUE' },
        { path: 'notify.mentions[1]', reason: 'INVALID_VALUE' },
        { path: 'notify.minSeverity', reason: 'INVALID_VALUE' },
      ]),
      problemsTruncated: false,
    });
    expect(JSON.stringify(sut)).not.toMatch(/hooks\.slack|secretpart|!channel|severe/);
    expect(fitsContract(sut)).toBe(true);
  });

  it.each([
    ['a string instead of a mapping', '#team-payments', { path: 'notify', reason: 'WRONG_TYPE' }],
    ['a list instead of a mapping', ['#team-payments'], { path: 'notify', reason: 'WRONG_TYPE' }],
    ['one mention instead of a list', { mentions: 'U024BE7LH' }, { path: 'notify.mentions', reason: 'WRONG_TYPE' }],
    ['more than 10 mentions', { mentions: Array.from({ length: 11 }, (_, i) => `U0${i}AAAA`) }, { path: 'notify.mentions', reason: 'TOO_MANY' }],
    ['an empty channel', { channel: '' }, { path: 'notify.channel', reason: 'TOO_SHORT' }],
    ['a channel name too long for Slack', { channel: 'c'.repeat(81) }, { path: 'notify.channel', reason: 'TOO_LONG' }],
  ])('reports %s', (_case, section, problem) => {
    const sut = readNotifySection(section);

    expect(sut).toMatchObject({ status: 'invalid', problems: expect.arrayContaining([problem]) });
    expect(fitsContract(sut)).toBe(true);
  });

  it('shows a key that is not a short identifier as *, so a pasted token does not travel as a key name', () => {
    const pasted = `ghp_${'A1b2'.repeat(9)}`;

    const sut = readNotifySection({ [pasted]: true, 'two words': 1, [`k${'x'.repeat(60)}`]: 1 });

    expect(sut).toEqual({ status: 'invalid', problems: [{ path: 'notify.*', reason: 'UNKNOWN_KEY' }], problemsTruncated: false });
    expect(JSON.stringify(sut)).not.toContain(pasted);
  });

  it('keeps the first 10 problems and flags the rest', () => {
    const section = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`extra${String.fromCharCode(97 + i)}`, i]));

    const sut = readNotifySection(section);

    expect(sut?.status).toBe('invalid');
    if (sut?.status !== 'invalid') return;
    expect(sut.problems).toHaveLength(10);
    expect(sut.problemsTruncated).toBe(true);
    expect(fitsContract(sut)).toBe(true);
  });
});

describe('unreadableNotifySection', () => {
  it('says the section could not be read, within the contract', () => {
    const sut = unreadableNotifySection();

    expect(sut).toEqual({ status: 'invalid', problems: [{ path: 'notify', reason: 'UNREADABLE_FILE' }], problemsTruncated: false });
    expect(fitsContract(sut)).toBe(true);
  });
});
