import { type VulnDb } from '@portcullis/vulndb';
import { type VulnerabilityDatabase } from './audit-dependencies.js';

export interface ReloadingVulnDbDeps {
  /** Builds a complete database from the configured source; rejects (and the current one stays) when it cannot. */
  readonly load: () => Promise<VulnDb>;
  readonly refreshMs: number;
  readonly logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/**
 * The auditor's copy of the image scanner's OSV database: loaded from the same source at boot,
 * re-imported every `refreshMs`, swapped in one assignment when the version changed. An audit
 * takes `current()` once, so it matches every lockfile of a push against one version. (The image
 * scanner's leader election and announcements are not needed here: each auditor instance simply
 * follows the source, and results name the version they used.)
 */
export class ReloadingVulnDb implements VulnerabilityDatabase {
  #db: VulnDb;
  #timer: NodeJS.Timeout | undefined;
  #reloading: Promise<unknown> | undefined;

  constructor(
    initial: VulnDb,
    private readonly deps: ReloadingVulnDbDeps,
  ) {
    this.#db = initial;
  }

  current(): VulnDb {
    return this.#db;
  }

  /** One re-import; never rejects. */
  async reload(): Promise<'swapped' | 'unchanged' | 'failed'> {
    try {
      const db = await this.deps.load();
      if (db.version === this.#db.version) return 'unchanged';
      this.#db = db;
      this.deps.logger.info({ version: db.version, records: db.report.records }, 'vulnerability database swapped');
      return 'swapped';
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'LOAD_FAILED';
      this.deps.logger.warn({ code, version: this.#db.version }, 'vulnerability database reload failed; kept the current one');
      return 'failed';
    }
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      // One import at a time: a slow source must not pile loads up.
      this.#reloading ??= this.reload().finally(() => (this.#reloading = undefined));
    }, this.deps.refreshMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#reloading;
  }
}
