/** The slice of `process` the deadline needs; tests pass an EventEmitter and a fake `exit`. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** Options of `ShutdownDeadline`. */
export interface ShutdownDeadlineOptions {
  /** Longest the graceful close may take after the first signal. */
  graceMs: number;
  /** Where the forced exit is reported. */
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** Signals that start a shutdown. Default SIGTERM and SIGINT. */
  signals?: readonly NodeJS.Signals[];
  source?: SignalSource;
  exit?: (code: number) => void;
}

/**
 * Bounds a graceful shutdown. Nest closes the app on SIGTERM/SIGINT, but a handler that ignores
 * its abort signal or a broker that never answers would keep the process alive until Kubernetes
 * sends SIGKILL, without a word in the logs. After `graceMs` this exits with 1 and says why; a
 * second signal (Ctrl-C twice) exits at once.
 */
export class ShutdownDeadline {
  private readonly signals: readonly NodeJS.Signals[];
  private readonly source: SignalSource;
  private readonly exit: (code: number) => void;
  private timer: NodeJS.Timeout | undefined;
  private listening = false;

  constructor(private readonly options: ShutdownDeadlineOptions) {
    this.signals = options.signals ?? ['SIGTERM', 'SIGINT'];
    this.source = options.source ?? process;
    this.exit = options.exit ?? ((code) => process.exit(code));
  }

  /** Starts watching for shutdown signals. */
  watch(): void {
    if (this.listening) return;
    this.listening = true;
    for (const signal of this.signals) this.source.on(signal, this.onSignal);
  }

  /**
   * Stops watching for new signals. A deadline already running stays armed: it still has to
   * catch a close that hangs after this point.
   */
  unwatch(): void {
    if (!this.listening) return;
    this.listening = false;
    for (const signal of this.signals) this.source.off(signal, this.onSignal);
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.timer !== undefined) {
      this.options.logger.warn({ signal }, 'second shutdown signal, exiting without waiting');
      this.exit(1);
      return;
    }
    const { graceMs } = this.options;
    this.options.logger.info({ signal, graceMs }, 'shutting down');
    this.timer = setTimeout(() => {
      this.options.logger.error({ signal, graceMs }, 'shutdown did not finish within SHUTDOWN_GRACE, exiting');
      this.exit(1);
    }, graceMs);
    // The deadline must never be the reason the process stays up.
    this.timer.unref();
  };
}
