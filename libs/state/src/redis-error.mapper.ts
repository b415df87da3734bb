import { type Disposition } from '@portcullis/errors';
import { StateError, type StateErrorCode } from './state.error.js';

/** What the mapper needs to know besides the error itself. */
export interface RedisErrorContext {
  /** The operation that failed, named for operators (`idempotency.findProcessed`). */
  operation: string;
  /** Strings that must never reach a message (the password, the URL); each becomes `***`. */
  secrets: readonly string[];
  /** True once `close()` was called: "Connection is closed" then means shutdown, not an outage. */
  closedByUs: boolean;
}

const MAX_REASON_LENGTH = 300;

// Anything shaped like redis://user:pass@host, whatever secret list the caller passed: ioredis and
// Node put the URL or a host string into some messages, and a credential may come from elsewhere.
const CREDENTIALED_URL = /\b(rediss?:\/\/)[^\s/@]*@/gi;

// Server replies that describe a state of the server, not of the request: retrying later works.
const TRANSIENT_REPLY = /^(LOADING|BUSY|OOM|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|MISCONF)\b/;
const AUTH_REPLY = /^(NOAUTH|WRONGPASS|NOPERM)\b/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Replaces every secret and every credentialed Redis URL in `text` with `***`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  // Longest first, so a URL is removed whole before the password inside it is looked for.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) scrubbed = scrubbed.split(secret).join('***');
  }
  return scrubbed.replace(CREDENTIALED_URL, '$1***@');
}

/** One scrubbed, bounded line describing `error`, safe for logs and error messages. */
export function describeRedisError(error: unknown, secrets: readonly string[]): string {
  const raw = error instanceof Error ? error.message : `non-error thrown: ${typeof error}`;
  const line = scrubSecrets(raw.replace(/\s+/g, ' ').trim(), secrets);
  return line.length > MAX_REASON_LENGTH ? `${line.slice(0, MAX_REASON_LENGTH - 1)}…` : line;
}

/**
 * Classifies whatever ioredis threw into a StateError. The original error is not kept as `cause`:
 * ioredis attaches the command arguments to it, and a failed handshake's arguments include the
 * password (`HELLO 3 AUTH user password`). The cause is a scrubbed copy instead.
 */
export function toStateError(error: unknown, context: RedisErrorContext): StateError {
  if (error instanceof StateError) return error;
  const reason = describeRedisError(error, context.secrets);
  const { code, disposition } = classify(error, context.closedByUs);
  const cause = new Error(reason);
  cause.name = error instanceof Error ? error.name : 'NonError';
  return new StateError({
    code,
    disposition,
    message: `redis ${context.operation} failed (${code}): ${reason}`,
    cause,
  });
}

function classify(error: unknown, closedByUs: boolean): { code: StateErrorCode; disposition: Disposition } {
  const retry = (code: StateErrorCode) => ({ code, disposition: 'retry' as const });
  if (!(error instanceof Error)) return retry('STATE_COMMAND_FAILED');
  const message = error.message;
  if (error.name === 'ReplyError') {
    if (AUTH_REPLY.test(message)) return retry('STATE_AUTH_FAILED');
    if (TRANSIENT_REPLY.test(message)) return retry('STATE_UNAVAILABLE');
    // WRONGTYPE, a Lua error, a syntax error: the same command fails the same way next time.
    return { code: 'STATE_COMMAND_FAILED', disposition: 'permanent' };
  }
  if (message === 'Command timed out') return retry('STATE_TIMEOUT');
  if (message.startsWith('Connection is closed')) return retry(closedByUs ? 'STATE_CLOSED' : 'STATE_UNAVAILABLE');
  const errno = (error as { code?: unknown }).code;
  if (
    error.name === 'MaxRetriesPerRequestError' ||
    error.name === 'AbortError' ||
    message.startsWith("Stream isn't writeable") ||
    message.startsWith('Socket timeout') ||
    (typeof errno === 'string' && NETWORK_CODES.has(errno))
  ) {
    return retry('STATE_UNAVAILABLE');
  }
  // Unknown failures stay retryable so they reach a dead-letter topic after retries, not the void.
  return retry('STATE_COMMAND_FAILED');
}
