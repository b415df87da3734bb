import { dispositionOf, type Disposition } from '@portcullis/errors';

/** How a failed message is retried. */
export interface RetryPolicyOptions {
  /** Handler attempts before the message is dead-lettered (the first try counts). */
  maxAttempts: number;
  /** Delay before the second attempt. */
  initialBackoffMs: number;
  /** Upper bound of any delay. */
  maxBackoffMs: number;
  /** Growth factor per attempt. */
  multiplier: number;
  /** "Not ready yet" re-schedules allowed before the message is dead-lettered as stuck. */
  maxReschedules: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = {
  maxAttempts: 5,
  initialBackoffMs: 1_000,
  maxBackoffMs: 5 * 60_000,
  multiplier: 4,
  maxReschedules: 200,
};

/** What to do with a message whose handler failed. */
export type FailureDecision =
  | { action: 'retry'; attempt: number; reschedules: number; delayMs: number }
  | { action: 'dead-letter'; reason: 'permanent' | 'exhausted' | 'stuck' };

export interface FailureState {
  /** The attempt that just failed (1 = first delivery). */
  attempt: number;
  /** Not-ready re-schedules so far. */
  reschedules: number;
}

/**
 * Pure decision: retry (with which delay and counters) or dead-letter. Full jitter on the
 * exponential delay keeps a burst of failures (a dependency outage) from retrying in lockstep.
 */
export function decideOnFailure(
  error: unknown,
  state: FailureState,
  policy: RetryPolicyOptions,
  random: () => number = Math.random,
): FailureDecision {
  const disposition: Disposition = dispositionOf(error);
  const hint = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  const retryAfterMs = typeof hint === 'number' && hint > 0 ? hint : 0;
  if (disposition === 'permanent') return { action: 'dead-letter', reason: 'permanent' };
  if (disposition === 'not-ready') {
    if (state.reschedules + 1 > policy.maxReschedules) return { action: 'dead-letter', reason: 'stuck' };
    const delayMs = Math.min(policy.maxBackoffMs, Math.max(retryAfterMs, policy.initialBackoffMs));
    return { action: 'retry', attempt: state.attempt, reschedules: state.reschedules + 1, delayMs };
  }
  if (state.attempt >= policy.maxAttempts) return { action: 'dead-letter', reason: 'exhausted' };
  const exponential = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** (state.attempt - 1));
  // Full jitter between half and the whole delay: spread out, never shorter than half.
  const jittered = Math.round(exponential / 2 + random() * (exponential / 2));
  const delayMs = Math.min(policy.maxBackoffMs, Math.max(jittered, retryAfterMs));
  return { action: 'retry', attempt: state.attempt + 1, reschedules: state.reschedules, delayMs };
}
