import { type BuiltDelivery } from './built-delivery.js';

/** Intake's answer body: the fields it sends (`status` always; the others per outcome). */
export interface IntakeAnswerBody {
  readonly [field: string]: unknown;
  /** `accepted`, `duplicate`, `ignored`, `pong`, `rejected`, `unavailable`, … */
  readonly status?: string;
  readonly deliveryId?: string;
  /** The first published event's id (202 accepted). */
  readonly eventId?: string;
  /** Rejections: `SIGNATURE_INVALID`, `PAYLOAD_INVALID`, `RATE_LIMITED`, … */
  readonly code?: string;
}

/** What intake answered. */
export interface IntakeAnswer {
  readonly status: number;
  /** The parsed JSON body; `undefined` when the body was empty or not JSON. */
  readonly body: IntakeAnswerBody | undefined;
  /** `Retry-After` in seconds (429, 503), when sent. */
  readonly retryAfterSeconds?: number;
}

export interface DeliverOptions {
  /** Abort and throw after this long; default 10 s. */
  readonly timeoutMs?: number;
}

/** The request did not get an answer (timeout, connection refused, reset). Safe to log: no header, no body. */
export class DeliveryFailedError extends Error {
  constructor(
    readonly reason: 'timeout' | 'network',
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(reason === 'timeout' ? `no answer from intake for POST ${path} in time` : `POST ${path} to intake failed before an answer`, options);
    this.name = 'DeliveryFailedError';
  }
}

export const DEFAULT_DELIVER_TIMEOUT_MS = 10_000;

function parseJson(text: string): IntakeAnswerBody | undefined {
  if (text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as IntakeAnswerBody) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends a built delivery to the intake at `intakeBaseUrl` (`http://127.0.0.1:PORT`, with or without
 * a path prefix) and returns its answer, whatever the status. Throws `DeliveryFailedError` only when
 * there is no answer. One attempt: retrying, as a provider would, is the caller's decision.
 */
export async function deliver(intakeBaseUrl: string | URL, built: BuiltDelivery, options: DeliverOptions = {}): Promise<IntakeAnswer> {
  const base = new URL(intakeBaseUrl);
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}${built.path}`, base);
  const signal = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_DELIVER_TIMEOUT_MS);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { method: built.method, headers: built.headers, body: built.body, signal, redirect: 'manual' });
    text = await response.text();
  } catch (error) {
    const timedOut = signal.aborted;
    // The cause is kept for debugging; fetch errors name the URL, never the request headers.
    throw new DeliveryFailedError(timedOut ? 'timeout' : 'network', built.path, { cause: error });
  }
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  return {
    status: response.status,
    body: parseJson(text),
    ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
  };
}
