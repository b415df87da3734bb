import { type SlackMessage } from '@portcullis/notify';
import { SlackCallError } from '../release/slack-call.error.js';

/** Name under which webhook failures are reported (`Slack incoming-webhook failed: <reason>`). */
const METHOD = 'incoming-webhook';
/** Wait when a 429 comes without a usable Retry-After (Slack's webhook allowance is about one post per second). */
const DEFAULT_RETRY_AFTER_MS = 1000;
/** Slack's answers are short codes (`channel_not_found`); anything else is not repeated. */
const CODE = /^[a-z_]{1,64}$/;

export interface IncomingWebhookSlackGatewayOptions {
  /**
   * The webhook URL (`https://hooks.slack.com/services/T…/B…/…`) as configured by the operator. It
   * is a credential: whoever has it can post into the channel, so it never appears in a message.
   */
  url: string;
  /** Per-request timeout in ms. */
  timeoutMs: number;
}

/**
 * Posts one message through a Slack incoming webhook, for teams without a bot. A webhook can only
 * post: the answer is a bare `ok`, without the message ts, so nothing posted can be updated or
 * threaded under later, and the channel is the one chosen when the webhook was installed.
 *
 * Errors are mapped like the Web API gateway's: 429 → not-ready after Retry-After; 408, 5xx,
 * network failure or timeout → retried; any other refusal (`channel_not_found`,
 * `channel_is_archived`, `action_prohibited`, `no_service`, `invalid_token`, `invalid_payload`,
 * `invalid_blocks`, `no_text`…) → permanent, with Slack's code as the reason.
 */
export class IncomingWebhookSlackGateway {
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(options: IncomingWebhookSlackGatewayOptions) {
    this.#url = options.url;
    this.#timeoutMs = options.timeoutMs;
  }

  async post(message: SlackMessage): Promise<void> {
    const blocks = withoutInteractiveElements(message.blocks);
    let response: Response;
    let body: string;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ text: message.text, ...(blocks.length > 0 ? { blocks } : {}) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
        // Slack never redirects a webhook; following one would send the message somewhere unvetted.
        redirect: 'manual',
      });
      body = await response.text();
    } catch (error) {
      // The cause stays out: fetch errors can carry the request, and the request URL is the secret.
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new SlackCallError('SLACK_UNAVAILABLE', METHOD, timedOut ? 'timeout' : 'network');
    }
    const { status } = response;
    if (status >= 200 && status < 300) return;
    if (status === 429) throw new SlackCallError('SLACK_RATE_LIMITED', METHOD, 'rate_limited', retryAfterMs(response.headers.get('retry-after')));
    if (status === 408 || status >= 500) throw new SlackCallError('SLACK_UNAVAILABLE', METHOD, `http_${status}`);
    throw new SlackCallError('SLACK_REFUSED', METHOD, this.#code(body) ?? `http_${status}`);
  }

  /** Slack's code from a plain-text answer, unless it is not a code or is part of the URL (never echo the secret). */
  #code(body: string): string | undefined {
    const code = body.trim();
    return CODE.test(code) && !this.#url.includes(code) ? code : undefined;
  }
}

/** Retry-After in whole seconds (Slack's form), at least one second. */
function retryAfterMs(header: string | null): number {
  const seconds = Number(header?.trim() ?? '');
  return header !== null && header.trim() !== '' && Number.isFinite(seconds) ? Math.max(1, seconds) * 1000 : DEFAULT_RETRY_AFTER_MS;
}

/**
 * Buttons, menus and other interactive elements only work for an app with interactivity turned on:
 * from a bare webhook a click has nowhere to go and Slack shows the user an error. So `actions`
 * blocks are dropped and sections keep an accessory only when it is an image.
 */
export function withoutInteractiveElements(blocks: SlackMessage['blocks']): SlackMessage['blocks'] {
  const kept: SlackMessage['blocks'] = [];
  for (const block of blocks) {
    if (block.type === 'actions') continue;
    if (block.type === 'section' && block.accessory !== undefined && block.accessory.type !== 'image') {
      const { accessory: _dropped, ...rest } = block;
      kept.push(rest);
    } else kept.push(block);
  }
  return kept;
}
