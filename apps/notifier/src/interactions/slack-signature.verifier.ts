import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's replay window: a signed request older (or newer) than this is refused. */
export const SLACK_REPLAY_WINDOW_SECONDS = 300;

export type SlackSignatureFailure = 'MISSING_HEADERS' | 'MALFORMED_HEADERS' | 'STALE_TIMESTAMP' | 'BAD_SIGNATURE';

export type SlackSignatureCheck = { ok: true } | { ok: false; reason: SlackSignatureFailure };

const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{1,12}$/;

/**
 * The checks that need no body: both headers present and well-formed, and the timestamp inside the
 * replay window. Run before the body is read, so a stale or unsigned request costs nothing.
 */
export function checkSlackHeaders(
  signature: string | undefined,
  timestamp: string | undefined,
  nowMs: number,
  windowSeconds: number = SLACK_REPLAY_WINDOW_SECONDS,
): SlackSignatureCheck {
  if (signature === undefined || timestamp === undefined) return { ok: false, reason: 'MISSING_HEADERS' };
  if (!SIGNATURE.test(signature) || !TIMESTAMP.test(timestamp)) return { ok: false, reason: 'MALFORMED_HEADERS' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > windowSeconds) return { ok: false, reason: 'STALE_TIMESTAMP' };
  return { ok: true };
}

/**
 * Verifies Slack's v0 request signature over the raw body: `v0=` + hex HMAC-SHA256(signing secret,
 * `v0:<timestamp>:<raw body>`), compared in constant time, with the replay window enforced.
 * The body must be exactly the bytes Slack sent: re-encoding a parsed form changes the digest.
 */
export function verifySlackSignature(
  signingSecret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  rawBody: string,
  nowMs: number,
  windowSeconds: number = SLACK_REPLAY_WINDOW_SECONDS,
): SlackSignatureCheck {
  const pre = checkSlackHeaders(headers.signature, headers.timestamp, nowMs, windowSeconds);
  if (!pre.ok) return pre;
  const expected = Buffer.from(`v0=${createHmac('sha256', signingSecret).update(`v0:${headers.timestamp}:${rawBody}`).digest('hex')}`);
  const presented = Buffer.from(headers.signature!);
  // Both are `v0=` + 64 hex (checked above), so the lengths match and timingSafeEqual cannot throw.
  return expected.length === presented.length && timingSafeEqual(expected, presented) ? { ok: true } : { ok: false, reason: 'BAD_SIGNATURE' };
}
