/**
 * What the edge should do with a failure. HTTP edges map it to a status code, Kafka edges to
 * retry topic / dead-letter / re-schedule (see CONVENTIONS.md §7).
 */
export type Disposition =
  /** Transient (network, timeouts, 5xx): try again with backoff. */
  | 'retry'
  /** Will fail the same way every time (bad input, missing permission): do not retry. */
  | 'permanent'
  /** A precondition is not met yet (a result not arrived): re-schedule without counting an attempt. */
  | 'not-ready';

export interface PortcullisErrorOptions<C extends string> {
  code: C;
  /** For logs and operators. Must never contain a secret value, token or credentialed URL. */
  message: string;
  disposition: Disposition;
  /** For end users (HTTP bodies, Slack). Defaults to a generic sentence per disposition. */
  publicMessage?: string;
  /** A hint for `retry`/`not-ready`: wait at least this long. */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * Base of every error Portcullis raises on purpose. Each module subclasses it with its own code
 * enum, so a caller can branch on `code` and every edge can decide retry vs dead-letter from
 * `disposition` alone.
 */
export class PortcullisError<C extends string = string> extends Error {
  readonly code: C;
  readonly disposition: Disposition;
  readonly publicMessage: string;
  readonly retryAfterMs: number | undefined;

  constructor(options: PortcullisErrorOptions<C>) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.disposition = options.disposition;
    this.retryAfterMs = options.retryAfterMs;
    this.publicMessage =
      options.publicMessage ??
      (options.disposition === 'permanent' ? 'The request cannot be processed.' : 'Temporarily unavailable, try again later.');
  }

  get retryable(): boolean {
    return this.disposition !== 'permanent';
  }
}

/** A precondition is not satisfied yet; the work should be re-scheduled, not counted as a failure. */
export class NotReadyError extends PortcullisError<'NOT_READY'> {
  constructor(message: string, retryAfterMs: number) {
    super({ code: 'NOT_READY', message, disposition: 'not-ready', retryAfterMs });
  }
}

/**
 * Disposition of any thrown value. Unknown errors count as transient: a bug that throws on one
 * message will exhaust its retries and land in the dead-letter topic, where a person can see it,
 * instead of being dropped on the first try.
 */
export function dispositionOf(error: unknown): Disposition {
  return error instanceof PortcullisError ? error.disposition : 'retry';
}

/** Stable code for metrics and DLQ headers. */
export function codeOf(error: unknown): string {
  if (error instanceof PortcullisError) return error.code;
  if (error instanceof Error) return error.name || 'Error';
  return 'UNKNOWN';
}

/** One line, no stack, bounded length: safe for headers, metrics labels' neighbours and logs. */
export function reasonOf(error: unknown, maxLength = 500): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : `non-error thrown: ${typeof error}`;
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > maxLength ? `${oneLine.slice(0, maxLength - 1)}…` : oneLine;
}
