import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from './fake-slack.js';

type SlackBody = Record<string, unknown> & { ok: boolean; error?: string };

/** Encodes arguments the way @slack/web-api does: objects/arrays as JSON strings in a urlencoded form. */
function webApiForm(args: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) continue;
    form.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return form.toString();
}

describe('startFakeSlack', () => {
  let clock: number;
  let sut: FakeSlack;

  const start = async (options: FakeSlackOptions = {}) => {
    sut = await startFakeSlack({ now: () => clock, ...options });
  };

  const call = async (method: string, args: Record<string, unknown>, token: string | null = sut.token) => {
    const res = await fetch(`${sut.url}${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: webApiForm(args),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as SlackBody };
  };

  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

  beforeEach(() => {
    clock = 1_700_000_000_000;
  });
  afterEach(async () => {
    await sut.close();
  });

  it('accepts chat.postMessage as the official client sends it (urlencoded, blocks as a JSON string) and stores the message', async () => {
    await start();
    const blocks = [{ type: 'header', text: { type: 'plain_text', text: 'acme/api@1a2b3c4' } }, section('*deploying* to prod')];

    const { status, body } = await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'acme/api deploying', blocks, unfurl_links: false });

    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, channel: 'C0DEPLOYS', message: { text: 'acme/api deploying', blocks, bot_id: sut.bot.botId } });
    expect(body['ts']).toMatch(/^\d{10}\.\d{6}$/);
    expect(sut.roots('C0DEPLOYS')).toMatchObject([{ ts: body['ts'], text: 'acme/api deploying', blocks }]);
    expect(sut.callsOf('chat.postMessage')[0]).toMatchObject({ authorized: true, status: 200, params: { channel: 'C0DEPLOYS', unfurl_links: 'false' } });
    expect(JSON.stringify(sut.calls)).not.toContain(sut.token);
  });

  it('accepts JSON bodies and warns about a missing charset like Slack', async () => {
    await start();
    const res = await fetch(`${sut.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sut.token}` },
      body: JSON.stringify({ channel: 'C0DEPLOYS', blocks: [section('hello')] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, warning: 'missing_charset' });
    expect(sut.roots('C0DEPLOYS')[0]?.blocks).toEqual([section('hello')]);
  });

  it('answers HTTP 200 not_authed without a token and invalid_auth with a wrong one, storing nothing', async () => {
    await start();
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x' }, null)).body).toEqual({ ok: false, error: 'not_authed' });
    const wrong = await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x' }, 'xoxb-wrong');
    expect(wrong).toMatchObject({ status: 200, body: { ok: false, error: 'invalid_auth' } });
    expect(sut.messages.size).toBe(0);
    expect(sut.calls.map((c) => c.authorized)).toEqual([false, false]);
  });

  it('returns the bot identity on auth.test', async () => {
    await start();
    expect((await call('auth.test', {})).body).toMatchObject({ ok: true, user_id: sut.bot.userId, bot_id: sut.bot.botId });
  });

  it('refuses a message without text or blocks (no_text) and a text over 40,000 characters (msg_too_long)', async () => {
    await start();
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS' })).body.error).toBe('no_text');
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: '' })).body.error).toBe('no_text');
    clock += 10_000;
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x'.repeat(40_001) })).body.error).toBe('msg_too_long');
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x'.repeat(40_000) })).body.ok).toBe(true);
  });

  it('enforces Block Kit limits with invalid_blocks and a json-pointer to the offending block', async () => {
    await start({ rateLimit: false });
    const fifty = Array.from({ length: 50 }, (_, i) => section(`line ${i}`));
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'ok', blocks: fifty })).body.ok).toBe(true);

    const tooMany = await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x', blocks: [...fifty, section('one more')] });
    expect(tooMany.body).toMatchObject({ ok: false, error: 'invalid_blocks', errors: ['must be less than 51 items [json-pointer:/blocks]'] });

    const cases: Array<[unknown, string]> = [
      [section('x'.repeat(3001)), '/blocks/0/text/text'],
      [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }, '/blocks/0/text/text'],
      [{ type: 'header', text: { type: 'mrkdwn', text: '*bold*' } }, '/blocks/0/text/type'],
      [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }, '/blocks/0/fields'],
      [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'x'.repeat(2001) }] }, '/blocks/0/fields/0/text'],
      [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'x'.repeat(76) }, action_id: 'a' }] }, '/blocks/0/elements/0/text/text'],
      [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' }, action_id: 'a'.repeat(256) }] }, '/blocks/0/elements/0/action_id'],
      [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' }, action_id: 'a', value: 'v'.repeat(2001) }] }, '/blocks/0/elements/0/value'],
      [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => ({ type: 'button', text: { type: 'plain_text', text: 'b' }, action_id: `a${i}` })) }, '/blocks/0/elements'],
      [{ type: 'fancy' }, '/blocks/0/type'],
    ];
    for (const [block, pointer] of cases) {
      const { body } = await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x', blocks: [block] });
      expect(body.error, pointer).toBe('invalid_blocks');
      expect((body['errors'] as string[]).join('\n'), pointer).toContain(`[json-pointer:${pointer}]`);
    }
    const notJson = await fetch(`${sut.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${sut.token}` },
      body: 'channel=C0DEPLOYS&text=x&blocks=%5B%7Bnot-json',
    });
    expect(await notJson.json()).toEqual({ ok: false, error: 'invalid_blocks_format' });
    expect(sut.roots('C0DEPLOYS')).toHaveLength(1);
  });

  it('updates a message in place, keeping its edit history, and refuses unknown or foreign messages', async () => {
    await start({ rateLimit: false });
    const { body: posted } = await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'v1', blocks: [section('v1')] });
    const ts = posted['ts'] as string;

    const updated = await call('chat.update', { channel: 'C0DEPLOYS', ts, text: 'v2', blocks: [section('v2')] });
    expect(updated.body).toMatchObject({ ok: true, channel: 'C0DEPLOYS', ts, text: 'v2' });
    await call('chat.update', { channel: 'C0DEPLOYS', ts, text: 'v3' });
    const message = sut.messages.get('C0DEPLOYS')?.get(ts);
    expect(message).toMatchObject({ text: 'v3', blocks: [section('v2')] });
    expect(message?.edits.map((e) => e.text)).toEqual(['v1', 'v2']);

    expect((await call('chat.update', { channel: 'C0DEPLOYS', ts: '1600000000.000001', text: 'x' })).body.error).toBe('message_not_found');
    expect((await call('chat.update', { channel: 'C0OTHER', ts, text: 'x' })).body.error).toBe('message_not_found');
    const human = sut.postAsUser('C0DEPLOYS', 'U0HUMAN', 'hi');
    expect((await call('chat.update', { channel: 'C0DEPLOYS', ts: human.ts, text: 'x' })).body.error).toBe('cant_update_message');
    expect((await call('chat.update', { channel: 'C0DEPLOYS', ts, blocks: [{ type: 'fancy' }] })).body.error).toBe('invalid_blocks');
    expect(sut.roots('C0DEPLOYS')).toHaveLength(2);
  });

  it('threads replies under an existing root and refuses an unknown thread_ts unless told to mirror Slack', async () => {
    await start({ rateLimit: false });
    const root = (await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'root' })).body['ts'] as string;
    const reply = await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'details', thread_ts: root });
    expect(reply.body).toMatchObject({ ok: true, message: { thread_ts: root } });
    expect(sut.replies('C0DEPLOYS', root).map((m) => m.text)).toEqual(['details']);
    expect(sut.messages.get('C0DEPLOYS')?.get(root)?.replyCount).toBe(1);
    expect(sut.roots('C0DEPLOYS')).toHaveLength(1);

    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'lost', thread_ts: '1600000000.000001' })).body.error).toBe('thread_not_found');
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'lost', thread_ts: reply.body['ts'] })).body.error).toBe('thread_not_found');
    await sut.close();

    await start({ rateLimit: false, unknownThreadTs: 'accept' });
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'orphan', thread_ts: '1600000000.000001' })).body.ok).toBe(true);
  });

  it('gives each message a unique, increasing ts even within one millisecond', async () => {
    await start({ rateLimit: false });
    const ts: string[] = [];
    for (let i = 0; i < 5; i++) ts.push((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: `m${i}` })).body['ts'] as string);
    expect(new Set(ts).size).toBe(5);
    expect([...ts].sort((a, b) => Number(a) - Number(b))).toEqual(ts);
  });

  it('rate-limits chat.postMessage and chat.update per channel: a burst gets 429 with Retry-After, recorded', async () => {
    await start({ rateLimit: { perSecond: 1, burst: 3 } });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await call('chat.postMessage', { channel: 'C0DEPLOYS', text: `m${i}` }));
    const limited = await call('chat.update', { channel: 'C0DEPLOYS', ts: results[0]!.body['ts'], text: 'edit' });

    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(limited).toEqual({ status: 429, retryAfter: '1', body: { ok: false, error: 'ratelimited' } });
    expect(sut.calls.at(-1)).toMatchObject({ method: 'chat.update', status: 429, responseHeaders: { 'retry-after': '1' } });
    expect(sut.messages.get('C0DEPLOYS')?.get(results[0]!.body['ts'] as string)?.text).toBe('m0');

    // Another channel has its own allowance.
    expect((await call('chat.postMessage', { channel: 'C0OTHER', text: 'x' })).status).toBe(200);
    // The allowance refills at one call per second.
    clock += 1000;
    expect((await call('chat.update', { channel: 'C0DEPLOYS', ts: results[0]!.body['ts'], text: 'edit' })).body.ok).toBe(true);
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'again' })).status).toBe(429);
  });

  it('answers the permanent channel errors set per channel, and knows only the configured channels', async () => {
    await start({ channels: ['C0DEPLOYS', { id: 'C0TEAM', name: 'team-api' }], rateLimit: false });
    expect((await call('chat.postMessage', { channel: 'C0NOPE', text: 'x' })).body.error).toBe('channel_not_found');
    expect((await call('chat.postMessage', { channel: '#team-api', text: 'x' })).body).toMatchObject({ ok: true, channel: 'C0TEAM' });
    for (const behaviour of ['not_in_channel', 'is_archived', 'channel_not_found'] as const) {
      sut.setChannelBehaviour('C0DEPLOYS', behaviour);
      expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x' })).body.error).toBe(behaviour);
    }
    sut.setChannelBehaviour('C0DEPLOYS', 'is_archived');
    expect((await call('conversations.info', { channel: 'C0DEPLOYS' })).body).toMatchObject({ ok: true, channel: { id: 'C0DEPLOYS', is_archived: true } });
    sut.setChannelBehaviour('C0DEPLOYS', 'ok');
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x' })).body.ok).toBe(true);
  });

  it('fails the next call of a method as injected (5xx, ratelimited, platform error), once each', async () => {
    await start();
    sut.failNext('chat.postMessage', { status: 503 });
    sut.failNext('chat.postMessage', { error: 'ratelimited', retryAfterS: 7 });
    sut.failNext('chat.postMessage', { error: 'internal_error' });

    const outage = await fetch(`${sut.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sut.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: webApiForm({ channel: 'C0DEPLOYS', text: 'x' }),
    });
    expect(outage.status).toBe(503);
    expect(await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x' })).toEqual({ status: 429, retryAfter: '7', body: { ok: false, error: 'ratelimited' } });
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x' })).body).toEqual({ ok: false, error: 'internal_error' });
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x' })).body.ok).toBe(true);
    expect(sut.callsOf('chat.postMessage').map((c) => c.status)).toEqual([503, 429, 200, 200]);
  });

  it('fails every call of every method during a failFor window, the failures taking turns, and recovers when it ends', async () => {
    await start({ rateLimit: false });
    const until = sut.failFor(60_000, [{ error: 'ratelimited', retryAfterS: 5 }, { status: 500 }]);
    expect(until).toBe(clock + 60_000);

    expect(await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x' })).toEqual({ status: 429, retryAfter: '5', body: { ok: false, error: 'ratelimited' } });
    const outage = await fetch(`${sut.url}chat.update`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sut.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: webApiForm({ channel: 'C0DEPLOYS', ts: '1.000001', text: 'x' }),
    });
    expect(outage.status).toBe(500);
    clock += 59_999;
    expect((await call('conversations.info', { channel: 'C0DEPLOYS' })).status).toBe(429);
    expect(sut.messages.size).toBe(0);

    clock += 1;
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x' })).body.ok).toBe(true);
    expect(sut.calls.map((c) => c.status)).toEqual([429, 500, 429, 200]);
    expect(sut.roots('C0DEPLOYS')).toHaveLength(1);
  });

  it('still refuses a wrong token during a failFor window (authentication comes first)', async () => {
    await start();
    sut.failFor(1_000, { status: 503 });
    expect((await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'x' }, 'xoxb-wrong')).body.error).toBe('invalid_auth');
  });

  it('keeps ephemeral replies out of the channel', async () => {
    await start();
    const { body } = await call('chat.postEphemeral', { channel: 'C0DEPLOYS', user: 'U0ALICE', text: 'Unknown release' });
    expect(body).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d+\.\d{6}$/) as unknown });
    expect(sut.ephemerals).toMatchObject([{ channel: 'C0DEPLOYS', user: 'U0ALICE', text: 'Unknown release' }]);
    expect(sut.messages.size).toBe(0);
    expect((await call('chat.postEphemeral', { channel: 'C0DEPLOYS', text: 'x' })).body.error).toBe('user_not_in_channel');
  });

  it('answers unknown methods with unknown_method', async () => {
    await start();
    const res = await fetch(`${sut.url}chat.explode`, { method: 'POST', headers: { authorization: `Bearer ${sut.token}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ ok: false, error: 'unknown_method' });
  });
});

describe('startFakeSlack incoming webhooks', () => {
  const HOOK = '/services/T0PORT/B0HOOK/s3cr3tW3bh00kT0k3nAbCdEf';
  let clock: number;
  let sut: FakeSlack;

  const start = async (options: FakeSlackOptions = {}) => {
    sut = await startFakeSlack({ now: () => clock, webhooks: { [HOOK]: 'C0DEPLOYS' }, ...options });
  };

  const post = async (payload: unknown, path = HOOK) => {
    const res = await fetch(sut.webhookUrl(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), contentType: res.headers.get('content-type'), body: await res.text() };
  };

  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

  beforeEach(() => {
    clock = 1_700_000_000_000;
  });
  afterEach(async () => {
    await sut.close();
  });

  it('posts into the channel the webhook was installed for and answers a plain-text ok', async () => {
    await start();
    const blocks = [section('*acme/api@1a2b3c4* deploying')];

    const answer = await post({ text: 'acme/api deploying', blocks, channel: '#elsewhere', username: 'impostor' });

    expect(answer).toMatchObject({ status: 200, body: 'ok' });
    expect(answer.contentType).toMatch(/^text\/plain/);
    expect(sut.roots('C0DEPLOYS')).toMatchObject([{ text: 'acme/api deploying', blocks, viaWebhook: true }]);
    expect(sut.messages.size).toBe(1);
    expect(sut.callsOf('incoming-webhook')).toMatchObject([{ status: 200, authorized: true, params: { text: 'acme/api deploying' } }]);
  });

  it('accepts the form encoding with a payload field', async () => {
    await start();
    const res = await fetch(sut.webhookUrl(HOOK), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payload: JSON.stringify({ text: 'from a form' }) }).toString(),
    });
    expect(await res.text()).toBe('ok');
    expect(sut.roots('C0DEPLOYS').map((m) => m.text)).toEqual(['from a form']);
  });

  it('never records the secret part of the webhook path', async () => {
    await start();
    await post({ text: 'x' });
    await post({ text: 'x' }, '/services/T0PORT/B0HOOK/wrongS3cretValue');
    expect(sut.calls.map((c) => c.path)).toEqual(['/services/T0PORT/B0HOOK/<redacted>', '/services/T0PORT/B0HOOK/<redacted>']);
    expect(JSON.stringify(sut.calls)).not.toContain('s3cr3tW3bh00kT0k3nAbCdEf');
    expect(JSON.stringify(sut.calls)).not.toContain('wrongS3cretValue');
  });

  it('answers 404 no_service for an unknown webhook and 403 invalid_token for a known one with the wrong secret, storing nothing', async () => {
    await start();
    expect(await post({ text: 'x' }, '/services/T0PORT/B0OTHER/abc')).toMatchObject({ status: 404, body: 'no_service' });
    expect(await post({ text: 'x' }, '/services/T0PORT/B0HOOK/wrong')).toMatchObject({ status: 403, body: 'invalid_token' });
    expect(sut.messages.size).toBe(0);
    expect(sut.calls.map((c) => c.authorized)).toEqual([false, false]);
  });

  it('refuses bad payloads with 400 and the code: invalid_payload, no_text, invalid_blocks, msg_too_long', async () => {
    await start({ rateLimit: false });
    const notJson = await fetch(sut.webhookUrl(HOOK), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect({ status: notJson.status, body: await notJson.text() }).toEqual({ status: 400, body: 'invalid_payload' });
    expect(await post(['text'])).toMatchObject({ status: 400, body: 'invalid_payload' });
    expect(await post({})).toMatchObject({ status: 400, body: 'no_text' });
    expect(await post({ text: '' })).toMatchObject({ status: 400, body: 'no_text' });
    expect(await post({ text: 'x'.repeat(40_001) })).toMatchObject({ status: 400, body: 'msg_too_long' });
    const fiftyOne = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    expect(await post({ text: 'x', blocks: fiftyOne })).toMatchObject({ status: 400, body: 'invalid_blocks' });
    expect(await post({ text: 'x', blocks: [section('x'.repeat(3001))] })).toMatchObject({ status: 400, body: 'invalid_blocks' });
    expect(await post({ text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }] })).toMatchObject({
      status: 400,
      body: 'invalid_blocks',
    });
    expect(sut.messages.size).toBe(0);
    expect(await post({ text: 'x', blocks: fiftyOne.slice(1) })).toMatchObject({ status: 200, body: 'ok' });
  });

  it('answers 404 channel_not_found and 410 channel_is_archived from the channel state', async () => {
    await start({ rateLimit: false });
    sut.setChannelBehaviour('C0DEPLOYS', 'channel_not_found');
    expect(await post({ text: 'x' })).toMatchObject({ status: 404, body: 'channel_not_found' });
    sut.setChannelBehaviour('C0DEPLOYS', 'is_archived');
    expect(await post({ text: 'x' })).toMatchObject({ status: 410, body: 'channel_is_archived' });
    // A webhook posts without a bot membership.
    sut.setChannelBehaviour('C0DEPLOYS', 'not_in_channel');
    expect(await post({ text: 'x' })).toMatchObject({ status: 200, body: 'ok' });
    expect(sut.roots('C0DEPLOYS')).toHaveLength(1);
  });

  it('shares the channel allowance with chat.postMessage: a burst gets 429 rate_limited with Retry-After', async () => {
    await start({ rateLimit: { perSecond: 1, burst: 3 } });
    const api = (text: string) =>
      fetch(`${sut.url}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${sut.token}` },
        body: new URLSearchParams({ channel: 'C0DEPLOYS', text }).toString(),
      });
    expect((await api('a')).status).toBe(200);
    expect((await post({ text: 'b' })).status).toBe(200);
    expect((await post({ text: 'c' })).status).toBe(200);

    expect(await post({ text: 'd' })).toMatchObject({ status: 429, retryAfter: '1', body: 'rate_limited' });
    expect((await api('e')).status).toBe(429);
    expect(sut.roots('C0DEPLOYS').map((m) => m.text)).toEqual(['a', 'b', 'c']);

    clock += 1000;
    expect((await post({ text: 'f' })).status).toBe(200);
  });

  it('keeps webhook messages out of chat.update, and threads a reply only under a root it knows', async () => {
    await start({ rateLimit: false });
    await post({ text: 'root' });
    const root = sut.roots('C0DEPLOYS')[0]!;
    const update = await fetch(`${sut.url}chat.update`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${sut.token}` },
      body: new URLSearchParams({ channel: 'C0DEPLOYS', ts: root.ts, text: 'edited' }).toString(),
    });
    expect(await update.json()).toEqual({ ok: false, error: 'cant_update_message' });

    expect(await post({ text: 'reply', thread_ts: root.ts })).toMatchObject({ status: 200, body: 'ok' });
    expect(sut.replies('C0DEPLOYS', root.ts).map((m) => m.text)).toEqual(['reply']);
    expect(await post({ text: 'lost', thread_ts: '1600000000.000001' })).toMatchObject({ status: 404, body: 'thread_not_found' });
    expect(sut.roots('C0DEPLOYS').map((m) => m.text)).toEqual(['root']);
  });

  it('fails the next post of one webhook as injected, once each', async () => {
    const other = '/services/T0PORT/B0TEAM/anotherS3cret';
    await start({ rateLimit: false, webhooks: { [HOOK]: 'C0DEPLOYS', [other]: 'C0TEAM' } });
    sut.failNextWebhook(HOOK, { status: 503 });
    sut.failNextWebhook(HOOK, { status: 429, retryAfterS: 7 });
    sut.failNextWebhook(HOOK, { status: 403, error: 'action_prohibited' });

    expect((await post({ text: 'x' }, other)).status).toBe(200);
    expect((await post({ text: 'x' })).status).toBe(503);
    expect(await post({ text: 'x' })).toMatchObject({ status: 429, retryAfter: '7', body: 'rate_limited' });
    expect(await post({ text: 'x' })).toMatchObject({ status: 403, body: 'action_prohibited' });
    expect(await post({ text: 'x' })).toMatchObject({ status: 200, body: 'ok' });
    expect(sut.roots('C0DEPLOYS')).toHaveLength(1);
    expect(sut.callsOf('incoming-webhook').map((c) => c.status)).toEqual([200, 503, 429, 403, 200]);
  });

  it('answers 405 to a webhook request that is not a POST', async () => {
    await start();
    const res = await fetch(sut.webhookUrl(HOOK));
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 405, body: 'invalid_method' });
  });
});
