import { PortcullisError } from '@portcullis/errors';

/** Why a Slack call failed, and so what the Kafka edge does with the event. */
export type SlackCallErrorCode =
  /** Slack answered 429: not-ready, re-delivered after its Retry-After. */
  | 'SLACK_RATE_LIMITED'
  /**
   * 5xx, network failure, timeout or a transient platform error: not-ready, re-delivered every
   * `SLACK_OUTAGE_RETRY_MS`. An outage is not the event's fault, so it spends no attempts; the
   * consumer's `maxReschedules` still dead-letters an event stuck for good.
   */
  | 'SLACK_UNAVAILABLE'
  /** Slack refused the call for good (channel gone, bot not invited, bad token, invalid blocks): dead-lettered. */
  | 'SLACK_REFUSED';

/**
 * How long an event waits after Slack failed transiently. Counted attempts (backoff 1, 4, 16,
 * 64 s with jitter down to half: 42–85 s in all) could run out inside a minute-long Slack 5xx
 * outage and dead-letter events (chaos `slack-429-500`); a fixed not-ready delay rides out
 * outages up to `maxReschedules` × this.
 */
export const SLACK_OUTAGE_RETRY_MS = 5_000;

/**
 * Slack platform errors that will fail the same way on every retry, so the event is dead-lettered
 * with the reason instead of retrying forever (issue 7, "Bad input").
 */
export const PERMANENT_SLACK_ERRORS: ReadonlySet<string> = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_authed',
  'missing_scope',
  'msg_too_long',
  'invalid_blocks',
  'invalid_arguments',
  'no_text',
]);

/** A failed Slack call. The message names the method and Slack's error code, never the token or the message text. */
export class SlackCallError extends PortcullisError<SlackCallErrorCode> {
  /** Slack's error code (`channel_not_found`), `http_<status>` or `network`. */
  readonly reason: string;

  constructor(code: SlackCallErrorCode, method: string, reason: string, retryAfterMs?: number) {
    const disposition = code === 'SLACK_REFUSED' ? 'permanent' : 'not-ready';
    const delay = retryAfterMs ?? (code === 'SLACK_UNAVAILABLE' ? SLACK_OUTAGE_RETRY_MS : undefined);
    super({ code, disposition, message: `Slack ${method} failed: ${reason}`, ...(delay === undefined ? {} : { retryAfterMs: delay }) });
    this.reason = reason;
  }
}
