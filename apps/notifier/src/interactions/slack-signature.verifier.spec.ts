import { signSlackRequest } from '@portcullis/testing/saas';
import { describe, expect, it } from 'vitest';
import { verifySlackSignature } from './slack-signature.verifier.js';

const secret = 'signing-secret';
const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';
const nowMs = Date.UTC(2026, 5, 1);
const nowS = nowMs / 1000;

function check(headers: { 'x-slack-signature'?: string; 'x-slack-request-timestamp'?: string }, raw = body) {
  return verifySlackSignature(secret, { signature: headers['x-slack-signature'], timestamp: headers['x-slack-request-timestamp'] }, raw, nowMs);
}

describe('verifySlackSignature', () => {
  it('accepts what Slack signs', () => {
    expect(check(signSlackRequest(secret, body, nowS))).toEqual({ ok: true });
  });

  it('refuses another secret, another body, another timestamp', () => {
    expect(check(signSlackRequest('other', body, nowS))).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(check(signSlackRequest(secret, body, nowS), `${body}&x=1`)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    const signed = signSlackRequest(secret, body, nowS);
    expect(check({ ...signed, 'x-slack-request-timestamp': String(nowS - 1) })).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('refuses timestamps outside the 300 s window either way', () => {
    expect(check(signSlackRequest(secret, body, nowS - 301))).toEqual({ ok: false, reason: 'STALE_TIMESTAMP' });
    expect(check(signSlackRequest(secret, body, nowS + 301))).toEqual({ ok: false, reason: 'STALE_TIMESTAMP' });
    expect(check(signSlackRequest(secret, body, nowS - 300))).toEqual({ ok: true });
  });

  it('refuses missing or malformed headers', () => {
    expect(check({})).toEqual({ ok: false, reason: 'MISSING_HEADERS' });
    expect(check({ 'x-slack-signature': 'v1=abc', 'x-slack-request-timestamp': String(nowS) })).toEqual({ ok: false, reason: 'MALFORMED_HEADERS' });
    expect(check({ 'x-slack-signature': `v0=${'0'.repeat(64)}`, 'x-slack-request-timestamp': 'soon' })).toEqual({ ok: false, reason: 'MALFORMED_HEADERS' });
  });
});
