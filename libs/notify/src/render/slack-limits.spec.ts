import { describe, expect, it } from 'vitest';
import { expectWithinSlackLimits, visibleText } from '../../test/expect-within-slack-limits.js';
import { code, escapeMrkdwn, fitLines, link, MessageBuilder, SLACK_LIMITS, truncate } from './slack-limits.js';

describe('truncate', () => {
  it('keeps short text and cuts long text to the limit with an ellipsis', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('x'.repeat(200), 150)).toHaveLength(150);
    expect(truncate('x'.repeat(200), 150).endsWith('…')).toBe(true);
  });

  it('never splits an emoji in half', () => {
    const sut = truncate(`${'a'.repeat(8)}😀😀😀`, 10);

    expect(sut).toBe(`${'a'.repeat(8)}…`);
    expect(sut.length).toBeLessThanOrEqual(10);
  });
});

describe('fitLines', () => {
  it('keeps whole lines and counts the ones left out', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(50)}`);

    const sut = fitLines(lines, 500, (n) => `… and ${n} more`);

    expect(sut.length).toBeLessThanOrEqual(500);
    const kept = sut.split('\n').filter((l) => l.startsWith('line ')).length;
    expect(sut.endsWith(`… and ${100 - kept} more`)).toBe(true);
  });

  it('returns everything when it fits', () => {
    expect(fitLines(['a', 'b'], 100, () => 'more')).toBe('a\nb');
  });
});

describe('mrkdwn helpers', () => {
  it('escapes control characters and keeps code spans closed', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(code('a `b` c')).toBe("`a 'b' c`");
  });

  it('links only http(s) URLs that cannot break out of the link', () => {
    expect(link('https://example.com/a?b=1&c=2', 'x|y')).toBe('<https://example.com/a?b=1&amp;c=2|x¦y>');
    expect(link('javascript:alert(1)', 'x')).toBeUndefined();
    expect(link('https://example.com/a>b', 'x')).toBeUndefined();
  });
});

describe('MessageBuilder', () => {
  it('keeps an oversized message within every Slack limit', () => {
    const huge = 'y'.repeat(50_000);
    const b = new MessageBuilder().header(huge);
    for (let i = 0; i < 120; i += 1) b.section(huge, { fields: Array.from({ length: 30 }, () => huge) });
    b.context(Array.from({ length: 30 }, () => huge));
    b.actions(Array.from({ length: 40 }, (_, i) => ({ text: huge, actionId: huge, value: `{"i":${i}}` })));

    const sut = b.build(huge);

    expectWithinSlackLimits(sut);
    expect(sut.blocks).toHaveLength(SLACK_LIMITS.blocks);
    expect(visibleText(sut)).toContain(`… ${123 - (SLACK_LIMITS.blocks - 1)} more not shown`);
  });

  it('says how many fields it left out', () => {
    const sut = new MessageBuilder().section('s', { fields: Array.from({ length: 14 }, (_, i) => `f${i}`) }).build('t');

    const block = sut.blocks[0];
    expect(block?.type === 'section' && block.fields?.map((f) => f.text).at(-1)).toBe('… and 5 more');
  });

  it('drops a button whose value is too long to send rather than cutting it', () => {
    const sut = new MessageBuilder()
      .actions([
        { text: 'ok', actionId: 'a', value: '{}' },
        { text: 'too long', actionId: 'b', value: 'v'.repeat(SLACK_LIMITS.buttonValue + 1) },
      ])
      .build('t');

    const block = sut.blocks[0];
    expect(block?.type === 'actions' && block.elements.map((e) => e.action_id)).toEqual(['a']);
  });
});
