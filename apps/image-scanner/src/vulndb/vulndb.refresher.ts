import { type VulndbUpdatedEvent } from '@portcullis/contracts';
import { type Logger } from '@portcullis/observability';
import { type LockLease } from '@portcullis/state';
import { type VulnDb } from '@portcullis/vulndb';
import { acceptsReload, type AnnouncedVersion, decideAnnouncement, decideSync } from './vulndb-refresh.decision.js';
import { type VulnDbHolder } from './vulndb.holder.js';

/** Name of the leader lease (`lock:{vulndb-fetcher}` in Redis). */
export const FETCHER_LEASE = 'vulndb-fetcher';
/** Key of the announced version record (`vulndb:announced` in Redis). */
export const ANNOUNCED_KEY = 'announced';

/** The lease operations of RedisFencingLock the fetcher uses. */
export interface LeaderLock {
  acquire(name: string, ttlMs: number): Promise<LockLease | null>;
  extend(lease: LockLease, ttlMs: number): Promise<LockLease>;
  release(lease: LockLease): Promise<boolean>;
  isCurrent(name: string, token: number): Promise<boolean>;
}

/** Where the announced version lives (RedisRecordStore). */
export interface AnnouncedVersions {
  get(key: string): Promise<AnnouncedVersion | undefined>;
  put(key: string, value: AnnouncedVersion, ttlMs: number): Promise<void>;
}

/** Operator-facing gauges and counters (Prometheus in the service). */
export interface VulnDbMetrics {
  /** `db` became the database scans use, at `at`. */
  loaded(db: VulnDb, at: Date): void;
  /** One import: swapped, unchanged, failed (source broken) or mismatch (not the announced version). */
  load(outcome: 'swapped' | 'unchanged' | 'failed' | 'mismatch'): void;
  leader(isLeader: boolean): void;
  announced(): void;
}

export interface VulnDbRefresherSettings {
  /** Contract `source` id (never the URL). */
  readonly sourceId: string;
  /** Leader: how often the source is imported. */
  readonly refreshMs: number;
  /** Every instance: how often the announced version is read from Redis. */
  readonly pollMs: number;
  /** Leader lease; renewed every third of it. */
  readonly leaseTtlMs: number;
  /** How long the announced version record lives (re-written on every announcement). */
  readonly recordTtlMs: number;
  /** An instance whose reload of an announced version failed tries that version again after this. */
  readonly retryMs: number;
}

export interface VulnDbRefresherDeps {
  readonly holder: VulnDbHolder;
  /** Builds a complete database from the configured source; rejects on any partial source. */
  readonly load: () => Promise<VulnDb>;
  readonly lock: LeaderLock;
  readonly records: AnnouncedVersions;
  readonly announce: (event: VulndbUpdatedEvent) => Promise<void>;
  readonly metrics: VulnDbMetrics;
  readonly logger: Logger;
  readonly settings: VulnDbRefresherSettings;
  readonly now?: () => Date;
}

export type RefreshOutcome = 'not-leader' | 'announced' | 'unchanged' | 'failed';
export type SyncOutcome = 'up-to-date' | 'swapped' | 'failed' | 'mismatch' | 'deferred';

/**
 * Keeps this instance's database current. Every instance competes for one Redis lease (leader
 * election: acquired with a TTL, renewed every third of it); the leader imports the source every
 * `refreshMs` and, when the version differs from the announced one, swaps its own database,
 * publishes `vulndb.updated` and records the version in Redis. Every instance polls that record
 * and, when it names another version, builds the database from the same source itself and swaps
 * only if the build has exactly the announced version. Imports run one at a time per instance.
 */
export class VulnDbRefresher {
  #lease: LockLease | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #timers: NodeJS.Timeout[] = [];
  #failed: { version: string; retryAt: number } | undefined;
  #stopped = false;

  constructor(private readonly deps: VulnDbRefresherDeps) {}

  get isLeader(): boolean {
    return this.#lease !== undefined;
  }

  start(): void {
    const { leaseTtlMs, refreshMs, pollMs } = this.deps.settings;
    this.#timers = [
      setInterval(() => void this.maintainLease(), Math.max(1, Math.floor(leaseTtlMs / 3))),
      // Failures are logged by #serial; the next tick retries.
      setInterval(() => void this.refresh().catch(() => undefined), refreshMs),
      setInterval(() => void this.sync().catch(() => undefined), pollMs),
    ];
    void this.maintainLease();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    await this.#queue.catch(() => undefined);
    const lease = this.#lease;
    this.#setLease(undefined);
    if (lease) await this.deps.lock.release(lease).catch(() => false);
  }

  /** Acquires or renews the leader lease; a new leader imports at once. */
  async maintainLease(): Promise<void> {
    if (this.#stopped) return;
    const { lock, settings, logger } = this.deps;
    const lease = this.#lease;
    if (lease) {
      try {
        this.#lease = await lock.extend(lease, settings.leaseTtlMs);
      } catch (error) {
        // LOCK_LOST, or Redis unreachable past the lease's end: someone else may lead now.
        const lost = (error as { code?: unknown }).code === 'LOCK_LOST' || Date.now() >= lease.expiresAt;
        if (lost) {
          this.#setLease(undefined);
          logger.warn({ token: lease.token }, 'vulnerability database fetcher lease lost');
        }
      }
      return;
    }
    const acquired = await lock.acquire(FETCHER_LEASE, settings.leaseTtlMs).catch(() => null);
    if (!acquired || this.#stopped) return;
    this.#setLease(acquired);
    logger.info({ token: acquired.token }, 'vulnerability database fetcher: leader');
    await this.refresh().catch(() => undefined);
  }

  /** Leader only: imports the source and announces a new version. */
  refresh(): Promise<RefreshOutcome> {
    return this.#serial(() => this.#refresh());
  }

  /** Every instance: follows the announced version. */
  sync(): Promise<SyncOutcome> {
    return this.#serial(() => this.#sync());
  }

  async #refresh(): Promise<RefreshOutcome> {
    const lease = this.#lease;
    if (!lease || this.#stopped) return 'not-leader';
    const { records, metrics, logger, settings } = this.deps;
    const db = await this.#load();
    if (!db) return 'failed';
    const announced = await records.get(ANNOUNCED_KEY);
    if (decideAnnouncement(db, announced) === 'unchanged') {
      this.#swapIfNew(db);
      return 'unchanged';
    }
    // A paused former leader must not announce over the current one.
    if (!(await this.deps.lock.isCurrent(FETCHER_LEASE, lease.token))) {
      this.#setLease(undefined);
      return 'not-leader';
    }
    const publishedAt = this.#now().toISOString();
    this.#swapIfNew(db);
    await this.deps.announce({
      kind: 'vulndb.updated',
      version: db.version,
      source: settings.sourceId,
      recordCount: db.report.records,
      sha256: db.version.replace(/^sha256:/, ''),
      publishedAt,
    });
    // Recorded after the event: if publishing fails, the next refresh announces again.
    await records.put(ANNOUNCED_KEY, { version: db.version, recordCount: db.report.records, publishedAt }, settings.recordTtlMs);
    metrics.announced();
    logger.info({ version: db.version, records: db.report.records, source: settings.sourceId }, 'vulnerability database version announced');
    return 'announced';
  }

  async #sync(): Promise<SyncOutcome> {
    if (this.#stopped) return 'up-to-date';
    const { holder, records, metrics, logger } = this.deps;
    const announced = await records.get(ANNOUNCED_KEY);
    if (!announced || decideSync(holder.current(), announced) === 'up-to-date') return 'up-to-date';
    const now = this.#now().getTime();
    if (this.#failed?.version === announced.version && now < this.#failed.retryAt) return 'deferred';
    const db = await this.#load();
    if (!db) {
      this.#failed = { version: announced.version, retryAt: now + this.deps.settings.retryMs };
      return 'failed';
    }
    if (!acceptsReload(db, announced)) {
      metrics.load('mismatch');
      this.#failed = { version: announced.version, retryAt: now + this.deps.settings.retryMs };
      logger.warn({ announced: announced.version, built: db.version }, 'vulnerability database source does not match the announced version; keeping the current one');
      return 'mismatch';
    }
    this.#failed = undefined;
    this.#swapIfNew(db);
    return 'swapped';
  }

  async #load(): Promise<VulnDb | undefined> {
    try {
      return await this.deps.load();
    } catch (error) {
      this.deps.metrics.load('failed');
      const code = (error as { code?: unknown }).code;
      this.deps.logger.warn({ code: typeof code === 'string' ? code : 'UNKNOWN', current: this.deps.holder.current().version }, 'vulnerability database import failed; keeping the current one');
      return undefined;
    }
  }

  #swapIfNew(db: VulnDb): void {
    const { holder, metrics, logger } = this.deps;
    if (holder.current().version === db.version) {
      metrics.load('unchanged');
      return;
    }
    const at = this.#now();
    const previous = holder.swap(db, at);
    metrics.load('swapped');
    metrics.loaded(db, at);
    logger.info({ version: db.version, previous: previous.version, records: db.report.records, issues: db.report.issueCount }, 'vulnerability database swapped');
  }

  #setLease(lease: LockLease | undefined): void {
    if ((lease === undefined) !== (this.#lease === undefined)) this.deps.metrics.leader(lease !== undefined);
    this.#lease = lease;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    // Errors (Redis, Kafka) are logged here and the next tick tries again; callers see them too.
    this.#queue = run.catch((error: unknown) => {
      const code = (error as { code?: unknown }).code;
      this.deps.logger.warn({ code: typeof code === 'string' ? code : 'UNKNOWN' }, 'vulnerability database refresh step failed; retrying on the next tick');
    });
    return run;
  }

  #now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }
}
