import { type Logger } from 'pino';

/** Resolves true when the dependency can serve; false, a rejection or a timeout mean not ready. */
export type ReadinessCheck = () => Promise<boolean>;

/** How one check ended: `failed` = returned false, `error` = threw, `timeout` = too slow. */
export type ReadinessOutcome = 'ok' | 'failed' | 'error' | 'timeout';

/** Result of running every registered check. */
export interface ReadinessReport {
  /** Every check passed (also true when none is registered). */
  readonly ready: boolean;
  /** Outcome per check name. */
  readonly checks: Readonly<Record<string, ReadinessOutcome>>;
}

/** Options of `ReadinessRegistry`. */
export interface ReadinessRegistryOptions {
  /** Per-check time limit; a probe must answer before the kubelet's own timeout. Default 1500 ms. */
  timeoutMs?: number;
  /** Receives a line when a check changes outcome (not on every probe). */
  logger?: Logger;
}

interface Settled {
  outcome: ReadinessOutcome;
  failure: unknown;
}

const CHECK_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

/**
 * The readiness checks of a process, registered at runtime by the modules owning a dependency
 * (messaging registers "kafka", state registers "redis") and run by `GET /readyz`.
 */
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly lastOutcome = new Map<string, ReadinessOutcome>();
  private readonly inFlight = new Map<string, Promise<Settled>>();
  private readonly timeoutMs: number;
  private readonly logger: Logger | undefined;

  constructor(options: ReadinessRegistryOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 1_500;
    this.logger = options.logger;
  }

  /** Adds a check; returns a function that removes it (call it when the owning module stops). */
  register(name: string, check: ReadinessCheck): () => void {
    // Names end up in a public response body and in logs: keep them short, plain identifiers.
    if (!CHECK_NAME.test(name)) throw new TypeError(`readiness check name "${name}" must match ${CHECK_NAME.source}`);
    if (this.checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
    this.checks.set(name, check);
    return () => {
      if (this.checks.get(name) === check) {
        this.checks.delete(name);
        this.lastOutcome.delete(name);
      }
    };
  }

  /** Names of the registered checks. */
  names(): string[] {
    return [...this.checks.keys()];
  }

  /** Runs every check in parallel, each bounded by the timeout. Never rejects. */
  async run(): Promise<ReadinessReport> {
    const entries = [...this.checks.entries()];
    const outcomes = await Promise.all(entries.map(([name, check]) => this.runOne(name, check)));
    const checks: Record<string, ReadinessOutcome> = {};
    entries.forEach(([name], index) => {
      checks[name] = outcomes[index] ?? 'error';
    });
    return { ready: outcomes.every((outcome) => outcome === 'ok'), checks };
  }

  private async runOne(name: string, check: ReadinessCheck): Promise<ReadinessOutcome> {
    // A check that hangs is shared by later probes instead of piling up one call per probe.
    let attempt = this.inFlight.get(name);
    if (attempt === undefined) {
      attempt = Promise.resolve()
        .then(check)
        .then(
          (ok): Settled => ({ outcome: ok === true ? 'ok' : 'failed', failure: undefined }),
          (failure: unknown): Settled => ({ outcome: 'error', failure }),
        )
        .finally(() => this.inFlight.delete(name));
      this.inFlight.set(name, attempt);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Settled>((resolve) => {
      timer = setTimeout(() => resolve({ outcome: 'timeout', failure: undefined }), this.timeoutMs);
    });
    const settled = await Promise.race([attempt, timeout]);
    clearTimeout(timer);
    this.noteOutcome(name, settled.outcome, settled.failure);
    return settled.outcome;
  }

  private noteOutcome(name: string, outcome: ReadinessOutcome, failure: unknown): void {
    const previous = this.lastOutcome.get(name);
    this.lastOutcome.set(name, outcome);
    // Probes run every few seconds; only changes are news.
    if (previous === outcome || this.logger === undefined) return;
    if (outcome === 'ok') this.logger.info({ check: name, previous: previous ?? 'unknown' }, 'readiness check passing');
    else this.logger.warn({ check: name, outcome, err: failure }, 'readiness check not passing');
  }
}
