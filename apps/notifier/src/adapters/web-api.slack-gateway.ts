import { type SlackMessage } from '@portcullis/notify';
import { LogLevel, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, WebClient } from '@slack/web-api';
import { type SlackGateway } from '../release/notify-release.ports.js';
import { PERMANENT_SLACK_ERRORS, SlackCallError } from '../release/slack-call.error.js';

export interface WebApiSlackGatewayOptions {
  token: string;
  /** Base URL of the Web API, ending in `/api/`. */
  apiUrl: string;
  timeoutMs: number;
}

/**
 * The SlackGateway on the official client, with its own retries and rate-limit queue turned off:
 * retries, back-off and Retry-After belong to the Kafka edge (retry topic, not-ready), so a slow
 * Slack never holds a release lock or a partition while the client sleeps.
 */
export class WebApiSlackGateway implements SlackGateway {
  readonly #client: WebClient;

  constructor(options: WebApiSlackGatewayOptions) {
    this.#client = new WebClient(options.token, {
      slackApiUrl: options.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs,
      // The client's own warnings would print request URLs through console; our errors carry what matters.
      logLevel: LogLevel.ERROR,
    });
  }

  async postRoot(channel: string, message: SlackMessage): Promise<{ channel: string; ts: string }> {
    const result = await this.#run('chat.postMessage', () => this.#client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false }));
    if (typeof result.channel !== 'string' || typeof result.ts !== 'string') throw new SlackCallError('SLACK_UNAVAILABLE', 'chat.postMessage', 'response_without_ts');
    return { channel: result.channel, ts: result.ts };
  }

  async updateRoot(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await this.#run('chat.update', () => this.#client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }));
  }

  async postReply(channel: string, threadTs: string, message: SlackMessage): Promise<void> {
    await this.#run('chat.postMessage', () =>
      this.#client.chat.postMessage({ channel, thread_ts: threadTs, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false }),
    );
  }

  async #run<T>(method: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toSlackCallError(method, error);
    }
  }
}

/** Maps the client's errors to dispositions. Only codes and statuses go into the message, never a body or the token. */
export function toSlackCallError(method: string, error: unknown): SlackCallError {
  if (error instanceof WebAPIRateLimitedError) return new SlackCallError('SLACK_RATE_LIMITED', method, 'ratelimited', Math.max(1, error.retryAfter) * 1000);
  if (error instanceof WebAPIPlatformError) {
    const code = typeof error.data.error === 'string' && /^[a-z_]{1,64}$/.test(error.data.error) ? error.data.error : 'unknown_error';
    if (code === 'ratelimited') return new SlackCallError('SLACK_RATE_LIMITED', method, code, 1000);
    return new SlackCallError(PERMANENT_SLACK_ERRORS.has(code) ? 'SLACK_REFUSED' : 'SLACK_UNAVAILABLE', method, code);
  }
  if (error instanceof WebAPIHTTPError) return new SlackCallError('SLACK_UNAVAILABLE', method, `http_${error.statusCode}`);
  if (error instanceof WebAPIRequestError) return new SlackCallError('SLACK_UNAVAILABLE', method, 'network');
  return new SlackCallError('SLACK_UNAVAILABLE', method, 'unexpected');
}
