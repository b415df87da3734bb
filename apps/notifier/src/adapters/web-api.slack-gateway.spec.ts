import { type FakeSlack, startFakeSlack } from '@portcullis/testing/saas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLACK_OUTAGE_RETRY_MS, SlackCallError } from '../release/slack-call.error.js';
import { WebApiSlackGateway } from './web-api.slack-gateway.js';

const message = { text: 'acme/shop@a3c1f0e: deployed', blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: '*deployed*' } }] };

describe('WebApiSlackGateway against the Slack stand-in', () => {
  let slack: FakeSlack;
  let sut: WebApiSlackGateway;

  beforeAll(async () => {
    slack = await startFakeSlack({ channels: [{ id: 'C0DEPLOYS', name: 'deploys' }, 'C0GONE', 'C0OUTSIDE', 'C0ARCHIVED'], rateLimit: false });
    slack.setChannelBehaviour('C0OUTSIDE', 'not_in_channel');
    slack.setChannelBehaviour('C0ARCHIVED', 'is_archived');
    sut = new WebApiSlackGateway({ token: slack.token, apiUrl: slack.url, timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await slack.close();
  });

  const failure = (call: Promise<unknown>) => call.then(() => undefined, (error: unknown) => error);

  it('posts a root by channel name, answers with the conversation id and ts, then updates it and replies in its thread', async () => {
    const posted = await sut.postRoot('#deploys', message);
    await sut.updateRoot(posted.channel, posted.ts, { ...message, text: 'acme/shop@a3c1f0e: rolled back' });
    await sut.postReply(posted.channel, posted.ts, { text: 'staging rolled back', blocks: [] });

    expect(posted.channel).toBe('C0DEPLOYS');
    expect(slack.roots('C0DEPLOYS').at(-1)?.text).toBe('acme/shop@a3c1f0e: rolled back');
    expect(slack.replies('C0DEPLOYS', posted.ts).map((m) => m.text)).toEqual(['staging rolled back']);
  });

  it.each([
    ['channel_not_found', 'C0NOSUCH'],
    ['not_in_channel', 'C0OUTSIDE'],
    ['is_archived', 'C0ARCHIVED'],
  ])('refuses for good (dead letter) on %s, naming the code and never the token', async (code, channel) => {
    const error = await failure(sut.postRoot(channel, message));

    expect(error).toBeInstanceOf(SlackCallError);
    expect(error).toMatchObject({ code: 'SLACK_REFUSED', reason: code, disposition: 'permanent' });
    expect(String((error as Error).message)).not.toContain(slack.token);
  });

  it('refuses for good on invalid_auth (a wrong token)', async () => {
    const wrong = new WebApiSlackGateway({ token: 'xoxb-not-the-token-0000', apiUrl: slack.url, timeoutMs: 5_000 });

    const error = await failure(wrong.postRoot('C0DEPLOYS', message));

    expect(error).toMatchObject({ code: 'SLACK_REFUSED', reason: 'invalid_auth', disposition: 'permanent' });
    expect(String((error as Error).message)).not.toContain('xoxb-not-the-token-0000');
  });

  it('turns a 429 into not-ready after Retry-After, and a 5xx into a retry', async () => {
    slack.failNext('chat.postMessage', { error: 'ratelimited', retryAfterS: 7 });
    slack.failNext('chat.update', { status: 503 });

    const limited = await failure(sut.postRoot('C0DEPLOYS', message));
    const unavailable = await failure(sut.updateRoot('C0DEPLOYS', '1700000000.000100', message));

    expect(limited).toMatchObject({ code: 'SLACK_RATE_LIMITED', disposition: 'not-ready', retryAfterMs: 7_000 });
    expect(unavailable).toMatchObject({ code: 'SLACK_UNAVAILABLE', reason: 'http_503', disposition: 'not-ready', retryAfterMs: SLACK_OUTAGE_RETRY_MS });
  });
});
