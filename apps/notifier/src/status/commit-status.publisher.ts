import { type RepositoryRef } from '@portcullis/contracts';
import { PortcullisError, type Disposition } from '@portcullis/errors';
import { type DesiredCommitStatus } from './commit-status.js';

/** The commit a status is posted on. */
export interface CommitStatusTarget {
  repository: RepositoryRef;
  sha: string;
  /** Full ref of the release (`refs/heads/main`), when known; GitLab files the status under it. */
  ref?: string;
}

/** `published`: the provider stored it. `already-set`: the provider refused it as a repeat of the state it has (GitLab). */
export type PublishOutcome = 'published' | 'already-set';

/**
 * Posts one commit status on the Git provider. Rejects with a `CommitStatusError` whose
 * disposition says what to do: `retry` (5xx, network), `not-ready` with `retryAfterMs` (rate
 * limited), `permanent` (bad credentials, unknown repository or commit, refused input).
 */
export interface CommitStatusPublisher {
  publish(target: CommitStatusTarget, status: DesiredCommitStatus): Promise<PublishOutcome>;
}

export type CommitStatusErrorCode =
  /** No host is configured for the repository's provider. */
  | 'PROVIDER_NOT_CONFIGURED'
  /** 401/403: the token is wrong, expired or lacks the permission. */
  | 'BAD_CREDENTIALS'
  /** 404: the repository or commit does not exist or the token cannot see it. */
  | 'NOT_FOUND'
  /** 400/422 and other 4xx: the provider refused the request as invalid. */
  | 'REJECTED'
  /** 429, or 403 with an exhausted rate limit: wait `retryAfterMs`. */
  | 'RATE_LIMITED'
  /** 5xx: the provider failed; re-delivered after `PROVIDER_OUTAGE_RETRY_MS`. */
  | 'PROVIDER_UNAVAILABLE'
  /** Network error or timeout; re-delivered after `PROVIDER_OUTAGE_RETRY_MS`. */
  | 'PROVIDER_UNREACHABLE';

const DISPOSITIONS: Record<CommitStatusErrorCode, Disposition> = {
  PROVIDER_NOT_CONFIGURED: 'permanent',
  BAD_CREDENTIALS: 'permanent',
  NOT_FOUND: 'permanent',
  REJECTED: 'permanent',
  RATE_LIMITED: 'not-ready',
  PROVIDER_UNAVAILABLE: 'not-ready',
  PROVIDER_UNREACHABLE: 'not-ready',
};

/**
 * How long an event waits after the provider failed (5xx, network). An outage spends no attempts
 * (counted backoff ran out inside a minute); `maxReschedules` still bounds an event stuck for good.
 */
export const PROVIDER_OUTAGE_RETRY_MS = 5_000;

function retryHint(code: CommitStatusErrorCode, retryAfterMs: number | undefined): { retryAfterMs?: number } {
  if (retryAfterMs !== undefined) return { retryAfterMs };
  return code === 'PROVIDER_UNAVAILABLE' || code === 'PROVIDER_UNREACHABLE' ? { retryAfterMs: PROVIDER_OUTAGE_RETRY_MS } : {};
}

/** A commit status could not be posted. Messages name the provider and repository, never a token. */
export class CommitStatusError extends PortcullisError<CommitStatusErrorCode> {
  /** HTTP status the provider answered, when it answered. */
  readonly httpStatus: number | undefined;

  constructor(code: CommitStatusErrorCode, message: string, options: { httpStatus?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super({
      code,
      message,
      disposition: DISPOSITIONS[code],
      ...retryHint(code, options.retryAfterMs),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.httpStatus = options.httpStatus;
  }
}
