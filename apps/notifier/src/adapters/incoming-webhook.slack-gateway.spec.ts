import { createServer, type Server } from 'node:http';
import { type SlackMessage } from '@portcullis/notify';
import { startFakeSlack, type FakeSlack } from '@portcullis/testing/saas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SLACK_OUTAGE_RETRY_MS, SlackCallError } from '../release/slack-call.error.js';
import { IncomingWebhookSlackGateway } from './incoming-webhook.slack-gateway.js';

const SECRET = 'q7ZrT2wXk9LmN4pVb8HsD3fJ';
const HOOK = `/services/T0PORT/B0HOOK/${SECRET}`;

const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });
const message = (text: string, blocks: SlackMessage['blocks'] = [section(text)]): SlackMessage => ({ text, blocks });

/** The error `post` rejects with; fails the test when it resolves or throws something else. */
async function failureOf(sut: IncomingWebhookSlackGateway, m: SlackMessage = message('acme/api deploying')): Promise<SlackCallError> {
  const error = await sut.post(m).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SlackCallError);
  return error as SlackCallError;
}

/** Everything an error could show in a log: message, stack, own fields. */
const printed = (error: SlackCallError): string => `${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}\n${error.publicMessage}`;

/** A server that answers every request with `handler`, or never when it returns undefined. */
async function startRawServer(answer?: { status: number; body: string }): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    if (!answer) return;
    res.writeHead(answer.status, { 'content-type': 'text/plain' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

describe('IncomingWebhookSlackGateway', () => {
  let slack: FakeSlack;
  let sut: IncomingWebhookSlackGateway;
  let raw: Server | undefined;

  beforeEach(async () => {
    slack = await startFakeSlack({ webhooks: { [HOOK]: 'C0DEPLOYS' }, rateLimit: false });
    sut = new IncomingWebhookSlackGateway({ url: slack.webhookUrl(HOOK), timeoutMs: 5_000 });
  });
  afterEach(async () => {
    await slack.close();
    if (raw) {
      raw.closeAllConnections();
      await new Promise<void>((resolve) => raw!.close(() => resolve()));
      raw = undefined;
    }
  });

  it('posts the text and blocks into the webhook channel', async () => {
    const blocks: SlackMessage['blocks'] = [{ type: 'header', text: { type: 'plain_text', text: 'acme/api@1a2b3c4' } }, section('*deploying* to prod')];

    await sut.post(message('acme/api deploying', blocks));

    expect(slack.roots('C0DEPLOYS')).toMatchObject([{ text: 'acme/api deploying', blocks, viaWebhook: true }]);
    expect(slack.callsOf('incoming-webhook')).toMatchObject([{ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } }]);
  });

  it('drops buttons, which a webhook without app interactivity cannot serve, and keeps image accessories', async () => {
    const image = { type: 'image' as const, image_url: 'https://example.com/logo.png', alt_text: 'logo' };
    const button = { type: 'button' as const, text: { type: 'plain_text' as const, text: 'Roll back' }, action_id: 'rollback', value: 'r1' };
    const blocks: SlackMessage['blocks'] = [
      { ...section('with logo'), accessory: image },
      { ...section('with button'), accessory: button },
      { type: 'actions', elements: [button] },
    ];

    await sut.post(message('acme/api deployed', blocks));

    expect(slack.roots('C0DEPLOYS')[0]?.blocks).toEqual([{ ...section('with logo'), accessory: image }, section('with button')]);
  });

  it('omits blocks when only actions were left, posting the text alone', async () => {
    await sut.post(message('acme/api awaiting approval', [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Approve' }, action_id: 'a' }] }]));

    expect(slack.callsOf('incoming-webhook')[0]?.params).toEqual({ text: 'acme/api awaiting approval' });
    expect(slack.roots('C0DEPLOYS').map((m) => m.text)).toEqual(['acme/api awaiting approval']);
  });

  it('maps 429 to rate limited with the Retry-After', async () => {
    slack.failNextWebhook(HOOK, { status: 429, retryAfterS: 7 });

    const error = await failureOf(sut);

    expect(error).toMatchObject({ code: 'SLACK_RATE_LIMITED', disposition: 'not-ready', reason: 'rate_limited', retryAfterMs: 7_000 });
  });

  it('maps the channel allowance running out to rate limited', async () => {
    await slack.close();
    slack = await startFakeSlack({ webhooks: { [HOOK]: 'C0DEPLOYS' }, rateLimit: { perSecond: 1, burst: 1 }, now: () => 1_700_000_000_000 });
    sut = new IncomingWebhookSlackGateway({ url: slack.webhookUrl(HOOK), timeoutMs: 5_000 });
    await sut.post(message('first'));

    expect(await failureOf(sut)).toMatchObject({ code: 'SLACK_RATE_LIMITED', retryAfterMs: 1_000 });
    expect(slack.roots('C0DEPLOYS')).toHaveLength(1);
  });

  it.each([500, 502, 503, 504] as const)('maps HTTP %i to a retryable failure', async (status) => {
    slack.failNextWebhook(HOOK, { status });

    const error = await failureOf(sut);

    expect(error).toMatchObject({ code: 'SLACK_UNAVAILABLE', disposition: 'not-ready', retryAfterMs: SLACK_OUTAGE_RETRY_MS, reason: `http_${status}`, retryable: true });
  });

  it('maps a network failure to a retryable failure', async () => {
    const url = slack.webhookUrl(HOOK);
    await slack.close();
    slack = await startFakeSlack();
    sut = new IncomingWebhookSlackGateway({ url, timeoutMs: 5_000 });

    expect(await failureOf(sut)).toMatchObject({ code: 'SLACK_UNAVAILABLE', disposition: 'not-ready', retryAfterMs: SLACK_OUTAGE_RETRY_MS, reason: 'network' });
  });

  it('gives up after the timeout with a retryable failure', async () => {
    const silent = await startRawServer();
    raw = silent.server;
    sut = new IncomingWebhookSlackGateway({ url: `${silent.url}${HOOK}`, timeoutMs: 100 });

    const error = await failureOf(sut);

    expect(error).toMatchObject({ code: 'SLACK_UNAVAILABLE', disposition: 'not-ready', retryAfterMs: SLACK_OUTAGE_RETRY_MS, reason: 'timeout' });
    expect(printed(error)).not.toContain(SECRET);
  });

  it.each([
    ['channel_not_found', () => slack.setChannelBehaviour('C0DEPLOYS', 'channel_not_found')],
    ['channel_is_archived', () => slack.setChannelBehaviour('C0DEPLOYS', 'is_archived')],
    ['action_prohibited', () => slack.failNextWebhook(HOOK, { status: 403, error: 'action_prohibited' })],
    ['invalid_payload', () => slack.failNextWebhook(HOOK, { status: 400, error: 'invalid_payload' })],
    ['no_service', () => void (sut = new IncomingWebhookSlackGateway({ url: slack.webhookUrl('/services/T0PORT/B0GONE/abc'), timeoutMs: 5_000 }))],
    ['invalid_token', () => void (sut = new IncomingWebhookSlackGateway({ url: slack.webhookUrl('/services/T0PORT/B0HOOK/rotatedAway1'), timeoutMs: 5_000 }))],
  ])('maps %s to a permanent refusal with that reason', async (code, arrange) => {
    arrange();

    const error = await failureOf(sut);

    expect(error).toMatchObject({ code: 'SLACK_REFUSED', disposition: 'permanent', reason: code, retryable: false });
    expect(error.message).toBe(`Slack incoming-webhook failed: ${code}`);
    expect(slack.messages.size).toBe(0);
  });

  it('refuses for good what Slack refuses to render: invalid_blocks and no_text', async () => {
    expect(await failureOf(sut, message('too long', [section('x'.repeat(3001))]))).toMatchObject({ code: 'SLACK_REFUSED', reason: 'invalid_blocks' });
    expect(await failureOf(sut, message('', []))).toMatchObject({ code: 'SLACK_REFUSED', reason: 'no_text' });
    expect(slack.messages.size).toBe(0);
  });

  it('never shows the webhook URL or its secret in an error, even when the answer echoes it', async () => {
    const errors: SlackCallError[] = [];
    slack.failNextWebhook(HOOK, { status: 403, error: 'action_prohibited' });
    errors.push(await failureOf(sut));
    slack.failNextWebhook(HOOK, { status: 503 });
    errors.push(await failureOf(sut));
    slack.failNextWebhook(HOOK, { status: 429, retryAfterS: 2 });
    errors.push(await failureOf(sut));

    // A lower-case secret would pass for a Slack code if the body echoed it.
    const lowerSecret = 'zqxwvutsrqponmlkjihgfedc';
    const echo = await startRawServer({ status: 400, body: lowerSecret });
    raw = echo.server;
    const echoed = await failureOf(new IncomingWebhookSlackGateway({ url: `${echo.url}/services/T0PORT/B0HOOK/${lowerSecret}`, timeoutMs: 5_000 }));
    expect(echoed).toMatchObject({ code: 'SLACK_REFUSED', reason: 'http_400' });
    expect(printed(echoed)).not.toContain(lowerSecret);

    const url = slack.webhookUrl(HOOK);
    await slack.close();
    slack = await startFakeSlack();
    errors.push(await failureOf(sut));
    errors.push(await failureOf(new IncomingWebhookSlackGateway({ url: `not a url ${SECRET}`, timeoutMs: 5_000 })));

    expect(errors.map((e) => e.reason)).toEqual(['action_prohibited', 'http_503', 'rate_limited', 'network', 'network']);
    for (const error of errors) {
      expect(printed(error)).not.toContain(SECRET);
      expect(printed(error)).not.toContain(url);
    }
  });
});
