import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { interactionPayload, signedInteraction, signSlackRequest } from './slack-interaction.js';

describe('signSlackRequest', () => {
  it("reproduces the example of Slack's request-signing guide", () => {
    // Secret, timestamp, body and signature as published in Slack's "Verifying requests from Slack".
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
      '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';

    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toEqual({
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      'x-slack-request-timestamp': '1531420618',
    });
  });

  it('signs the exact raw body: one changed byte or another timestamp gives another signature', () => {
    const base = signSlackRequest('secret', 'payload=%7B%7D', 1700000000);
    expect(signSlackRequest('secret', 'payload=%7B%20%7D', 1700000000)['x-slack-signature']).not.toBe(base['x-slack-signature']);
    expect(signSlackRequest('secret', 'payload=%7B%7D', 1700000001)['x-slack-signature']).not.toBe(base['x-slack-signature']);
    expect(signSlackRequest('other', 'payload=%7B%7D', 1700000000)['x-slack-signature']).not.toBe(base['x-slack-signature']);
  });

  it('defaults the timestamp to now, in seconds', () => {
    const before = Math.floor(Date.now() / 1000);
    const ts = Number(signSlackRequest('s', 'b')['x-slack-request-timestamp']);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
});

describe('interactionPayload', () => {
  it('builds a block_actions form body with a single payload field, like Slack posts it', () => {
    const { body, payload, contentType } = interactionPayload({
      user: { id: 'U0ALICE', username: 'alice', name: 'Alice' },
      channel: 'C0DEPLOYS',
      messageTs: '1700000000.000100',
      threadTs: '1699999999.000100',
      actions: [{ actionId: 'release.rollback', value: 'github/acme/api@1a2b', blockId: 'release-actions' }],
      responseUrl: 'https://hooks.slack.com/actions/T/1/abc',
      triggerId: '123.456.abc',
    });

    expect(contentType).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(body);
    expect([...form.keys()]).toEqual(['payload']);
    const parsed = JSON.parse(form.get('payload')!) as Record<string, unknown>;
    expect(parsed).toEqual(payload);
    expect(parsed).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0ALICE', username: 'alice', name: 'Alice' },
      channel: { id: 'C0DEPLOYS' },
      container: { type: 'message', channel_id: 'C0DEPLOYS', message_ts: '1700000000.000100' },
      message: { ts: '1700000000.000100', thread_ts: '1699999999.000100' },
      response_url: 'https://hooks.slack.com/actions/T/1/abc',
      trigger_id: '123.456.abc',
      actions: [{ action_id: 'release.rollback', value: 'github/acme/api@1a2b', block_id: 'release-actions', type: 'button' }],
    });
  });

  it('signs the interaction body so that an independent HMAC over it verifies', () => {
    const { body, headers } = signedInteraction('signing-secret', { user: { id: 'U0BOB' }, channel: 'C0X', messageTs: '1.000001', actions: [{ actionId: 'a' }] }, 1700000000);
    const expected = createHmac('sha256', 'signing-secret').update(`v0:1700000000:${body}`).digest('hex');
    expect(headers).toEqual({ 'x-slack-signature': `v0=${expected}`, 'x-slack-request-timestamp': '1700000000', 'content-type': 'application/x-www-form-urlencoded' });
  });
});
