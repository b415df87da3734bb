/** A handler run the consumer is waiting for. */
export interface InFlightHandler {
  /** Passed to the handler: aborted on timeout or shutdown. */
  readonly signal: AbortSignal;
  /** Rejects when the handler runs out of time or the consumer shuts down; never resolves. */
  readonly expired: Promise<never>;
}

interface Entry extends InFlightHandler {
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly controller: AbortController;
  readonly reject: (reason: unknown) => void;
}

/**
 * Handler time budgets with one timer for all in-flight handlers instead of a timer, a race and an
 * abort listener per message (those showed in the consumer's profile). A sweep every `sweepMs`
 * aborts the handlers past their deadline, so a handler may overrun by up to one sweep.
 */
export class HandlerDeadlines {
  private readonly entries = new Set<Entry>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly sweepMs = Math.min(1_000, Math.max(10, Math.floor(timeoutMs / 4))),
  ) {}

  /** Starts the budget of one handler run; call `end` when it settles. */
  begin(now = Date.now()): InFlightHandler {
    const controller = new AbortController();
    let reject!: (reason: unknown) => void;
    const expired = new Promise<never>((_, r) => (reject = r));
    // The consumer always races it; a rejection nobody awaits (after end) must not crash the process.
    expired.catch(() => undefined);
    const entry: Entry = { signal: controller.signal, expired, deadline: now + this.timeoutMs, timeoutMs: this.timeoutMs, controller, reject };
    this.entries.add(entry);
    // Started once and kept while the consumer runs: stopping it whenever the set empties would
    // cost a timer per message again on a sequential lane.
    this.sweeper ??= setInterval(() => this.sweep(), this.sweepMs).unref();
    return entry;
  }

  end(handler: InFlightHandler): void {
    this.entries.delete(handler as Entry);
  }

  /** Aborts every in-flight handler and stops the timer (consumer shutdown). */
  close(reason: unknown): void {
    for (const entry of this.entries) this.expire(entry, reason);
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Aborts the handlers whose deadline passed. Runs on the timer; public for tests. */
  sweep(now = Date.now()): void {
    for (const entry of this.entries) {
      if (entry.deadline > now) continue;
      const error = new Error(`handler exceeded ${entry.timeoutMs} ms`);
      error.name = 'HandlerTimeout';
      this.expire(entry, error);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private expire(entry: Entry, reason: unknown): void {
    this.entries.delete(entry);
    entry.controller.abort(reason);
    entry.reject(reason);
  }
}
