import { PortcullisError } from '@portcullis/errors';

/**
 * Why a state operation failed. Outage codes are `retry`: Redis holds only rebuildable state, so
 * the caller repeats the work later instead of dead-lettering the event.
 */
export type StateErrorCode =
  /** Redis is unreachable, refusing, loading or read-only; the client reconnects by itself. */
  | 'STATE_UNAVAILABLE'
  /** A command got no reply within `commandTimeoutMs`; it may or may not have run. */
  | 'STATE_TIMEOUT'
  /** Redis rejected the credentials from the URL (an operator must fix the configuration). */
  | 'STATE_AUTH_FAILED'
  /** The client was closed by `close()`, usually during shutdown. */
  | 'STATE_CLOSED'
  /** Redis answered with an error that will not go away by retrying (a bug or foreign data). */
  | 'STATE_COMMAND_FAILED'
  /** The options or arguments are invalid; raised before anything is sent. */
  | 'STATE_INVALID_ARGUMENT'
  /** A lease ran out or was taken over; work done under it must not be trusted. */
  | 'LOCK_LOST'
  /** Another owner holds the lock; try again after `retryAfterMs`. */
  | 'LOCK_BUSY'
  /** A token bucket had no token before the caller's deadline; try again after `retryAfterMs`. */
  | 'RATE_LIMITED';

/** The one error type libs/state throws. Its message never contains a password or credentialed URL. */
export class StateError extends PortcullisError<StateErrorCode> {}
