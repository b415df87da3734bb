import { CommitStatusError } from './commit-status.publisher.js';

/** Default per-request timeout: a status is not worth holding a consumer for longer. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Wait when a provider says "rate limited" without saying until when. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
const PROVIDER_MESSAGE_MAX = 200;

/** What every adapter shares: the clock (for `x-ratelimit-reset`) and the request timeout. */
export interface ProviderHttpOptions {
  /** Per-request timeout in ms (default `DEFAULT_TIMEOUT_MS`). */
  timeoutMs?: number;
  /** Clock in ms, for rate-limit reset times. */
  now?: () => number;
}

/** One JSON POST to a provider. */
export interface ProviderPost {
  /** Provider as people know it, for messages: `GitHub`, `GitLab`, `Gitea`, `Bitbucket Cloud`, `Bitbucket Data Center`. */
  provider: string;
  /** What the call is about, for messages: `acme/shop-api@a3c1f0e`. Never a URL with credentials. */
  subject: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** The credential sent, so an echo of it in a provider message is masked. */
  secret: string;
  options: ProviderHttpOptions;
}

/** A provider's answer, body read as text. */
export interface ProviderAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** Sends the request; a network failure or timeout becomes a retryable `PROVIDER_UNREACHABLE`. */
export async function postJson(request: ProviderPost): Promise<ProviderAnswer> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    const why = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? 'timed out' : 'failed';
    // The cause stays out: undici's errors can carry the request, headers included.
    throw new CommitStatusError('PROVIDER_UNREACHABLE', `${request.provider} status for ${request.subject}: request ${why} (${host(request.url)})`);
  }
}

/** Throws the `CommitStatusError` an answer means; returns for 2xx. */
export function assertAccepted(request: ProviderPost, answer: ProviderAnswer): void {
  const { status } = answer;
  if (status >= 200 && status < 300) return;
  const where = `${request.provider} status for ${request.subject}`;
  const said = providerMessage(answer.text, request.secret);
  const detail = said === '' ? '' : `: ${said}`;
  if (isRateLimited(answer)) {
    const waitMs = rateLimitWaitMs(answer.headers, (request.options.now ?? Date.now)());
    throw new CommitStatusError('RATE_LIMITED', `${where}: rate limited (${status}), retry in ${Math.ceil(waitMs / 1000)} s`, {
      httpStatus: status,
      retryAfterMs: waitMs,
    });
  }
  if (status === 401 || status === 403) {
    throw new CommitStatusError('BAD_CREDENTIALS', `${where}: ${request.provider} refused the configured token (${status})${detail}`, { httpStatus: status });
  }
  if (status === 404) {
    throw new CommitStatusError('NOT_FOUND', `${where}: repository or commit not found, or not visible to the configured token (404)`, {
      httpStatus: status,
    });
  }
  if (status === 408 || status >= 500) {
    throw new CommitStatusError('PROVIDER_UNAVAILABLE', `${where}: ${request.provider} answered ${status}`, { httpStatus: status });
  }
  throw new CommitStatusError('REJECTED', `${where}: ${request.provider} refused the status (${status})${detail}`, { httpStatus: status });
}

/** 429 always; 403 only with an exhausted limit or a `retry-after` (a plain 403 is a permission problem). */
function isRateLimited(answer: ProviderAnswer): boolean {
  if (answer.status === 429) return true;
  if (answer.status !== 403) return false;
  const h = answer.headers;
  return h.get('x-ratelimit-remaining') === '0' || h.get('ratelimit-remaining') === '0' || h.get('retry-after') !== null;
}

/** `retry-after` (seconds or HTTP date), else the reset time (`x-ratelimit-reset`/`ratelimit-reset`, epoch seconds), else a minute. */
export function rateLimitWaitMs(headers: Headers, nowMs: number): number {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter.trim());
    if (retryAfter.trim() !== '' && Number.isFinite(seconds)) return Math.max(1000, Math.round(seconds * 1000));
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(1000, date - nowMs);
  }
  const reset = Number(headers.get('x-ratelimit-reset') ?? headers.get('ratelimit-reset') ?? Number.NaN);
  if (Number.isFinite(reset) && reset > 0) return Math.max(1000, reset * 1000 - nowMs);
  return DEFAULT_RATE_LIMIT_WAIT_MS;
}

/**
 * The provider's own explanation, one line, bounded, with the token masked should it be echoed.
 * Shapes: `{message}` (GitHub, GitLab, Gitea), `{error}` (GitLab), `{error:{message}}` (Bitbucket
 * Cloud), `{errors:[{message}]}` (GitHub validation, Bitbucket Data Center).
 */
export function providerMessage(text: string, secret: string): string {
  let said = '';
  try {
    said = messageOf(JSON.parse(text) as unknown);
  } catch {
    said = text.trimStart().startsWith('<') ? '' : text;
  }
  let line = said.replace(/\s+/g, ' ').trim();
  // Below 8 characters it is no real token, and masking it would garble the message (every `t`).
  if (secret.length >= 8) line = line.split(secret).join('***');
  return line.length > PROVIDER_MESSAGE_MAX ? `${line.slice(0, PROVIDER_MESSAGE_MAX - 1)}…` : line;
}

function messageOf(body: unknown): string {
  if (typeof body === 'string') return body;
  if (typeof body !== 'object' || body === null) return '';
  const b = body as Record<string, unknown>;
  const parts: string[] = [];
  const message = b['message'];
  if (typeof message === 'string') parts.push(message);
  else if (message !== undefined && message !== null) parts.push(JSON.stringify(message));
  const error = b['error'];
  if (typeof error === 'string') parts.push(error);
  else if (typeof error === 'object' && error !== null) parts.push(messageOf(error));
  const errors = b['errors'];
  if (Array.isArray(errors)) {
    for (const e of errors) {
      const m = typeof e === 'object' && e !== null ? (e as Record<string, unknown>)['message'] : e;
      if (typeof m === 'string') parts.push(m);
    }
  }
  return parts.filter((p) => p !== '').join('; ');
}

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}

/** `acme/shop-api@a3c1f0e`, for messages. */
export function subjectOf(owner: string, name: string, sha: string): string {
  return `${owner}/${name}@${sha.slice(0, 7)}`;
}

/** A configured base URL without its trailing slash. */
export function trimBase(url: string): string {
  return url.replace(/\/+$/, '');
}
