import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { renderSlackHtml, renderSlackText } from './slack-render.js';

type SlackBody = Record<string, unknown> & { ok: boolean; ts?: string; error?: string };

const HOOK = '/services/T0PORT/B0HOOK/s3cr3tW3bh00kT0k3n';

/** Blocks of a release root message as the notifier posts it. */
const releaseBlocks = (state: string, buttons: boolean) => [
  { type: 'header', text: { type: 'plain_text', text: `Release acme/api@1a2b3c4 · ${state}` } },
  {
    type: 'section',
    text: { type: 'mrkdwn', text: '*<https://git.local/acme/api/commit/1a2b3c4?view=full&amp;w=1|acme/api@1a2b3c4>* pushed by <@U0ALICE>\n_fix: retry on 503_' },
    accessory: { type: 'button', text: { type: 'plain_text', text: 'View logs' }, url: 'https://ci.local/runs/42', action_id: 'release.logs' },
  },
  { type: 'section', fields: [{ type: 'mrkdwn', text: '*Environment:*\nproduction' }, { type: 'mrkdwn', text: '*Scan:*\n`0 findings`' }] },
  { type: 'context', elements: [{ type: 'mrkdwn', text: 'release `rel-42` · <!subteam^S0SRE> · <!date^1700000000^{date_short} {time}|Nov 14, 22:13 UTC>' }] },
  ...(buttons
    ? [
        { type: 'divider' },
        {
          type: 'actions',
          elements: [
            { type: 'button', text: { type: 'plain_text', text: 'Approve production' }, action_id: 'release.approve', value: 'rel-42', style: 'primary' },
            { type: 'button', text: { type: 'plain_text', text: 'Reject' }, action_id: 'release.reject', value: 'rel-42', style: 'danger' },
          ],
        },
      ]
    : []),
];

describe('renderSlackText / renderSlackHtml', () => {
  let clock: number;
  let sut: FakeSlack;

  const call = async (method: string, args: Record<string, unknown>): Promise<SlackBody> => {
    clock += 1000;
    const res = await fetch(`${sut.url}${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${sut.token}` },
      body: JSON.stringify(args),
    });
    return (await res.json()) as SlackBody;
  };

  /** Root with header/sections/context/buttons, a bot reply, a human reply, then the root edited. */
  const releaseThread = async (): Promise<string> => {
    const root = await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'acme/api@1a2b3c4 awaiting approval', blocks: releaseBlocks('awaiting approval', true) });
    expect(root.ok).toBe(true);
    const ts = root.ts!;
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', thread_ts: ts, text: 'Secret scan *passed* for `1a2b3c4`, image scan found &lt;none&gt;' })).ok).toBe(true);
    clock += 1000;
    sut.postAsUser('C0DEPLOYS', 'U0ALICE', 'approved, ~staging~ production next', ts);
    expect((await call('chat.update', { channel: 'C0DEPLOYS', ts, text: 'acme/api@1a2b3c4 deploying', blocks: releaseBlocks('deploying', false) })).ok).toBe(true);
    return ts;
  };

  beforeEach(async () => {
    clock = 1_700_000_000_000;
    sut = await startFakeSlack({ now: () => clock, rateLimit: false, channels: [{ id: 'C0DEPLOYS', name: 'deploys' }, 'C0TEAM'], webhooks: { [HOOK]: 'C0TEAM' } });
  });
  afterEach(async () => {
    await sut.close();
  });

  it('prints a release thread as a transcript: latest version, edit count, replies indented, Slack syntax resolved', async () => {
    await releaseThread();

    expect(renderSlackText(sut)).toBe(
      [
        '#deploys (C0DEPLOYS) · 1 thread',
        '═'.repeat(60),
        '2023-11-14 22:13:21 · portcullis [app] · edited 1 time',
        '  Release acme/api@1a2b3c4 · deploying',
        '  acme/api@1a2b3c4 (https://git.local/acme/api/commit/1a2b3c4?view=full&w=1) pushed by @U0ALICE',
        '  fix: retry on 503',
        '  [ View logs ] (https://ci.local/runs/42)',
        '  Environment: production',
        '  Scan: `0 findings`',
        '  release `rel-42` · @S0SRE · Nov 14, 22:13 UTC',
        '  ↳ 2 replies',
        '    │ 22:13:22 · portcullis [app]',
        '    │   Secret scan passed for `1a2b3c4`, image scan found <none>',
        '    │ 22:13:23 · @U0ALICE',
        '    │   approved, ~staging~ production next',
        '',
      ].join('\n'),
    );
  });

  it('shows buttons as [ Label ] while a root still has them', async () => {
    await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'awaiting', blocks: releaseBlocks('awaiting approval', true) });
    const text = renderSlackText(sut);
    expect(text).toContain(`  ${'─'.repeat(40)}\n  [ Approve production ]  [ Reject ]\n`);
    expect(text).not.toContain('edited');
  });

  it('keeps a code block on its own lines, inside the thread gutter', async () => {
    const root = await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'rollout of *acme/api* failed' });
    await call('chat.postMessage', { channel: 'C0DEPLOYS', thread_ts: root.ts, text: 'last events:```\nBackOff  pod/api-7d9 *restarting*\n\nFailed   &lt;none&gt;```see runbook' });

    expect(renderSlackText(sut)).toContain(
      ['    │   last events:', '    │   ```', '    │   BackOff  pod/api-7d9 *restarting*', '    │', '    │   Failed   <none>', '    │   ```', '    │   see runbook', ''].join('\n'),
    );
    expect(renderSlackHtml(sut)).toContain('last events:<pre>BackOff  pod/api-7d9 *restarting*\n\nFailed   &lt;none&gt;</pre>see runbook');
  });

  it('uses ANSI bold for channel and message headers only when asked', async () => {
    await releaseThread();
    const colored = renderSlackText(sut, { color: true });
    expect(colored).toContain('\u001b[1m#deploys (C0DEPLOYS)\u001b[22m');
    expect(colored).toContain('  \u001b[1mRelease acme/api@1a2b3c4 · deploying\u001b[22m');
    expect(colored).toContain('Secret scan \u001b[1mpassed\u001b[22m for');
    expect(renderSlackText(sut)).not.toContain('\u001b[');
  });

  it('renders one card per root with its replies nested, buttons disabled and the edit history', async () => {
    const ts = await releaseThread();
    const html = renderSlackHtml(sut);

    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<a href="#C0DEPLOYS">#deploys</a>');
    const cards = html.split('<div class="card">').slice(1);
    expect(cards).toHaveLength(1);
    const [card] = cards as [string];
    const [root, thread] = card.split('<div class="thread">') as [string, string];
    expect(root).toContain(`id="m-${ts}"`);
    expect(root).toContain('<h3 class="b-header">Release acme/api@1a2b3c4 · deploying</h3>');
    expect(root).toContain('<span class="edited">(edited 1 time)</span>');
    expect(root).toContain('<strong><a href="https://git.local/acme/api/commit/1a2b3c4?view=full&amp;w=1" rel="noopener noreferrer">acme/api@1a2b3c4</a></strong>');
    expect(root).toContain('pushed by <span class="mention">@U0ALICE</span><br><em>fix: retry on 503</em>');
    expect(root).toContain('<time datetime="2023-11-14T22:13:20.000Z">Nov 14, 22:13 UTC</time>');
    expect(root).toContain('<button type="button" class="btn" disabled title="https://ci.local/runs/42">View logs</button>');
    // The buttons were removed by the edit; they are still visible in the earlier version.
    const [current, history] = root.split('<details class="history">') as [string, string];
    expect(current).not.toContain('Approve production');
    expect(history).toContain('Release acme/api@1a2b3c4 · awaiting approval');
    expect(history).toContain('<button type="button" class="btn primary" disabled>Approve production</button>');
    expect(history).toContain('<button type="button" class="btn danger" disabled>Reject</button>');
    expect(thread).toContain('<div class="count">2 replies</div>');
    expect(thread.match(/<article class="msg reply"/g)).toHaveLength(2);
    expect(thread.indexOf('Secret scan <strong>passed</strong> for <code>1a2b3c4</code>, image scan found &lt;none&gt;')).toBeLessThan(
      thread.indexOf('approved, <del>staging</del> production next'),
    );
    expect(html).not.toMatch(/<script|<img|<link|https?:\/\/[^"]*\.(css|js)"/i);
  });

  it('escapes untrusted message content in both renderings', async () => {
    await call('chat.postMessage', {
      channel: 'C0DEPLOYS',
      text: 'x',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '<script>alert(1)</script>' } },
        { type: 'section', text: { type: 'mrkdwn', text: '&lt;script&gt;alert(2)&lt;/script&gt; <script>alert(3)</script> <javascript:alert(4)|click me> <https://x.test/"onmouseover="alert(5)|ok>' } },
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: '<img src=x onerror=alert(6)>' }, action_id: 'a' }] },
      ],
    });
    sut.postAsUser('C0DEPLOYS', 'U0MALLORY', '</article></main><script>alert(7)</script>');

    const html = renderSlackHtml(sut);
    expect(html).not.toMatch(/<script|<img|href="javascript|onmouseover="/i);
    expect(html).toContain('<h3 class="b-header">&lt;script&gt;alert(1)&lt;/script&gt;</h3>');
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt; &lt;script&gt;alert(3)&lt;/script&gt; click me (javascript:alert(4))');
    expect(html).toContain('<a href="https://x.test/&quot;onmouseover=&quot;alert(5)" rel="noopener noreferrer">ok</a>');
    expect(html).toContain('&lt;img src=x onerror=alert(6)&gt;</button>');
    expect(html).toContain('&lt;/article&gt;&lt;/main&gt;&lt;script&gt;alert(7)&lt;/script&gt;');

    const text = renderSlackText(sut);
    expect(text).toContain('  <script>alert(1)</script>\n  <script>alert(2)</script> <script>alert(3)</script> click me (javascript:alert(4))');
  });

  it('shows webhook posts, ephemeral replies and replies to a missing root where their reader would see them', async () => {
    await sut.close();
    sut = await startFakeSlack({ now: () => clock, rateLimit: false, unknownThreadTs: 'accept', webhooks: { [HOOK]: 'C0TEAM' } });
    const root = await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'release *rel-42* blocked' });
    await call('chat.postEphemeral', { channel: 'C0DEPLOYS', user: 'U0BOB', thread_ts: root.ts, text: 'you cannot approve your own release' });
    await call('chat.postMessage', { channel: 'C0DEPLOYS', thread_ts: '1600000000.000001', text: 'lost reply' });
    clock += 1000;
    const hook = await fetch(sut.webhookUrl(HOOK), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'daily digest: 3 releases' }) });
    expect(await hook.text()).toBe('ok');

    const text = renderSlackText(sut);
    expect(text).toContain('#C0DEPLOYS · 2 threads');
    expect(text).toContain('(thread 1600000000.000001: root message not found)\n  ↳ 1 reply\n    │ 22:13:23 · portcullis [app]\n    │   lost reply\n');
    expect(text).toContain('  release rel-42 blocked\n  ↳ 1 reply\n    │ 22:13:22 · portcullis [app] · only visible to @U0BOB\n    │   you cannot approve your own release\n');
    expect(text).toContain('#C0TEAM · 1 thread');
    expect(text).toContain('incoming webhook [app] · via incoming webhook\n  daily digest: 3 releases');
    // The missing root's thread sorts by its ts, before the release.
    expect(text.indexOf('root message not found')).toBeLessThan(text.indexOf('release rel-42 blocked'));

    expect(renderSlackText(sut, { channels: ['C0TEAM'] })).not.toContain('C0DEPLOYS');
    expect(renderSlackHtml(sut, { channels: ['C0TEAM'] })).not.toContain('rel-42');
    expect(renderSlackHtml(sut)).toContain('<article class="msg reply ephemeral"');
  });

  it('says so when there is nothing to show', () => {
    expect(renderSlackText(sut)).toBe('(no channels)\n');
    expect(renderSlackText(sut, { channels: ['C0TEAM'] })).toBe('#C0TEAM · 0 threads\n' + '═'.repeat(60) + '\n(no messages)\n');
    expect(renderSlackHtml(sut)).toContain('No channels yet.');
  });
});

describe('the fake Slack page', () => {
  let sut: FakeSlack;

  beforeEach(async () => {
    sut = await startFakeSlack({ rateLimit: false, channels: [{ id: 'C0DEPLOYS', name: 'deploys' }, { id: 'C0TEAM', name: 'team' }], webhooks: { [HOOK]: 'C0TEAM' } });
  });
  afterEach(async () => {
    await sut.close();
  });

  const post = async (channel: string, text: string): Promise<void> => {
    const res = await fetch(`${sut.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${sut.token}` },
      body: JSON.stringify({ channel, text }),
    });
    expect(((await res.json()) as SlackBody).ok).toBe(true);
  };

  it('serves the page at GET / without recording the view among the API calls', async () => {
    await post('C0DEPLOYS', 'release <script>x</script> deployed');
    await post('C0TEAM', 'hello team');

    const res = await fetch(sut.pageUrl);

    expect(sut.pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('release &lt;script&gt;x&lt;/script&gt; deployed');
    expect(html).toContain('hello team');
    expect(html).toContain('<a href="/channels/C0DEPLOYS">#deploys</a>');
    expect(html).not.toContain('http-equiv="refresh"');
    expect(sut.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.postMessage']);
  });

  it('serves one channel at GET /channels/:id (id or name), 404 for an unknown one, and refreshes on request', async () => {
    await post('C0DEPLOYS', 'release deployed');
    await post('C0TEAM', 'hello team');

    for (const url of [sut.channelPageUrl('C0TEAM'), sut.channelPageUrl('team')]) {
      const html = await (await fetch(url)).text();
      expect(html).toContain('hello team');
      expect(html).not.toContain('release deployed');
    }
    expect((await fetch(sut.channelPageUrl('C0NOPE'))).status).toBe(404);
    const refreshing = await (await fetch(`${sut.pageUrl}?refresh=5`)).text();
    expect(refreshing).toContain('<meta http-equiv="refresh" content="5">');
    expect(refreshing).toContain('<a href="/channels/C0TEAM?refresh=5">#team</a>');
  });

  it('leaves the Web API and incoming webhooks where they were', async () => {
    const api = await fetch(`${sut.url}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${sut.token}` } });
    expect(await api.json()).toMatchObject({ ok: true, user_id: sut.bot.userId });
    const hook = await fetch(sut.webhookUrl(HOOK), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'via hook' }) });
    expect(await hook.text()).toBe('ok');
    const unknown = await fetch(`${sut.url}chat.explode`, { method: 'POST', headers: { authorization: `Bearer ${sut.token}` } });
    expect(unknown.status).toBe(404);
    // POST / is no page: it stays an unknown method, as before the page existed.
    const postRoot = await fetch(sut.pageUrl, { method: 'POST' });
    expect(await postRoot.json()).toMatchObject({ ok: false, error: 'unknown_method' });
    expect(await (await fetch(sut.pageUrl)).text()).toContain('via hook');
  });
});
