import { describe, expect, it } from 'vitest';
import { parseMrkdwn, unescapeMrkdwn } from './slack-mrkdwn.js';

describe('parseMrkdwn', () => {
  it('reads bold, italic, strike and code at word boundaries only', () => {
    expect(parseMrkdwn('*deploying* to _prod_ ~now~ `kubectl get *pods*`')).toEqual([
      { kind: 'bold', children: [{ kind: 'text', text: 'deploying' }] },
      { kind: 'text', text: ' to ' },
      { kind: 'italic', children: [{ kind: 'text', text: 'prod' }] },
      { kind: 'text', text: ' ' },
      { kind: 'strike', children: [{ kind: 'text', text: 'now' }] },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'kubectl get *pods*' },
    ]);
    expect(parseMrkdwn('snake_case_name and 2*3*4 and * spaced *')).toEqual([{ kind: 'text', text: 'snake_case_name and 2*3*4 and * spaced *' }]);
  });

  it('turns control sequences into links, mentions and dates, inside emphasis too', () => {
    expect(parseMrkdwn('*<https://git.local/acme/api?a=1&amp;b=2|acme/api &amp; co>* by <@U0ALICE>')).toEqual([
      { kind: 'bold', children: [{ kind: 'link', url: 'https://git.local/acme/api?a=1&b=2', label: 'acme/api & co' }] },
      { kind: 'text', text: ' by ' },
      { kind: 'mention', text: '@U0ALICE' },
    ]);
    expect(parseMrkdwn('<https://x.test> <#C0DEPLOYS|deploys> <#C0OTHER> <!subteam^S0SRE> <!subteam^S0SRE|@sre> <!here> <!channel|channel>')).toEqual([
      { kind: 'link', url: 'https://x.test' },
      { kind: 'text', text: ' ' },
      { kind: 'mention', text: '#deploys' },
      { kind: 'text', text: ' ' },
      { kind: 'mention', text: '#C0OTHER' },
      { kind: 'text', text: ' ' },
      { kind: 'mention', text: '@S0SRE' },
      { kind: 'text', text: ' ' },
      { kind: 'mention', text: '@sre' },
      { kind: 'text', text: ' ' },
      { kind: 'mention', text: '@here' },
      { kind: 'text', text: ' ' },
      { kind: 'mention', text: '@channel' },
    ]);
    expect(parseMrkdwn('<!date^1700000000^{date_short} {time}|Nov 14, 22:13 UTC> <!date^1700000000^{time}>')).toEqual([
      { kind: 'date', text: 'Nov 14, 22:13 UTC', iso: '2023-11-14T22:13:20.000Z' },
      { kind: 'text', text: ' ' },
      { kind: 'date', text: '2023-11-14T22:13:20.000Z', iso: '2023-11-14T22:13:20.000Z' },
    ]);
  });

  it('unescapes only Slack entities, and shows a bracketed non-link as written', () => {
    expect(parseMrkdwn('&lt;script&gt; &amp;quot; <script>')).toEqual([{ kind: 'text', text: '<script> &quot; <script>' }]);
    expect(unescapeMrkdwn('&amp;lt;')).toBe('&lt;');
  });

  it('keeps code blocks verbatim across lines', () => {
    expect(parseMrkdwn('log:\n```\n*not bold* &lt;x&gt;\nline 2\n```')).toEqual([
      { kind: 'text', text: 'log:\n' },
      { kind: 'pre', text: '*not bold* <x>\nline 2' },
    ]);
  });
});
