import { StateError } from './state.error.js';

/** A held lock. The fencing token identifies this acquisition; extending keeps the same token. */
export interface LockLease {
  /** Lock name as passed to `acquire`. */
  readonly name: string;
  /**
   * Fencing token: strictly increasing per lock name across all owners. A protected resource
   * remembers the highest token it accepted and rejects lower ones, so a paused former owner
   * cannot write after its lease ran out.
   */
  readonly token: number;
  /** Who holds the lease (host/pid/random by default); for operators and debugging. */
  readonly ownerId: string;
  /**
   * Epoch ms (local clock) after which the lease must be presumed lost unless extended. Measured
   * from before the request was sent, so it errs early, never late.
   */
  readonly expiresAt: number;
}

/** What a LockLeaseKeeper needs: a lease and a way to extend it. */
export interface LockLeaseKeeperOptions {
  /** The freshly acquired lease. */
  lease: LockLease;
  /** Lease length requested on every extension. */
  ttlMs: number;
  /** Extends the lease; rejects with LOCK_LOST when it is gone, with another error when unsure. */
  extend: (lease: LockLease) => Promise<LockLease>;
}

/**
 * Keeps a lease alive while work runs: extends it every ttl/3 and aborts `signal` once the lease
 * is lost, either because Redis says so or because it could not be extended before `expiresAt`
 * (Redis unreachable). Transient failures are retried on the next tick; the deadline decides.
 */
export class LockLeaseKeeper {
  readonly #controller = new AbortController();
  readonly #options: LockLeaseKeeperOptions;
  #lease: LockLease;
  #lost: StateError | undefined;
  #lastFailure: string | undefined;
  #stopped = false;
  #renewTimer: NodeJS.Timeout | undefined;
  #expiryTimer: NodeJS.Timeout | undefined;

  constructor(options: LockLeaseKeeperOptions) {
    this.#options = options;
    this.#lease = options.lease;
  }

  /** Aborted (with the LOCK_LOST StateError as reason) when the lease is lost. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The latest extended lease. */
  get lease(): LockLease {
    return this.#lease;
  }

  /** Why the lease was lost, if it was. */
  get lostReason(): StateError | undefined {
    return this.#lost;
  }

  /** Starts extending; call once, right after acquiring. */
  start(): void {
    this.#armExpiry();
    this.#scheduleRenewal();
  }

  /** Stops extending; the lease is left as it is (release it separately). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#expiryTimer);
  }

  #scheduleRenewal(): void {
    if (this.#stopped) return;
    this.#renewTimer = setTimeout(() => void this.#renew(), Math.max(1, Math.floor(this.#options.ttlMs / 3)));
  }

  async #renew(): Promise<void> {
    try {
      const extended = await this.#options.extend(this.#lease);
      if (this.#stopped) return;
      this.#lease = extended;
      this.#lastFailure = undefined;
      this.#armExpiry();
    } catch (error) {
      if (this.#stopped) return;
      if (error instanceof StateError && error.code === 'LOCK_LOST') return this.#lose(error);
      // Unsure whether Redis still has the lease; the expiry timer decides if this persists.
      this.#lastFailure = error instanceof Error ? error.message : String(error);
    }
    this.#scheduleRenewal();
  }

  #armExpiry(): void {
    clearTimeout(this.#expiryTimer);
    const { name, token } = this.#lease;
    this.#expiryTimer = setTimeout(
      () =>
        this.#lose(
          new StateError({
            code: 'LOCK_LOST',
            disposition: 'retry',
            message:
              `lock ${name} (token ${token}) expired before it could be extended; ` +
              `last failure: ${this.#lastFailure ?? 'none'}`,
          }),
        ),
      Math.max(0, this.#lease.expiresAt - Date.now()),
    );
  }

  #lose(reason: StateError): void {
    if (this.#stopped || this.#lost) return;
    this.#lost = reason;
    this.stop();
    this.#controller.abort(reason);
  }
}
