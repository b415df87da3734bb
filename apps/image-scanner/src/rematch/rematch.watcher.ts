import { type VulnerabilityDatabase } from '../scan/scan-image.ports.js';
import { type RematchDeployed } from './rematch-deployed.use-case.js';

/**
 * Notices this instance's database swaps by polling the holder's version (the holder has no swap
 * listener) and runs RematchDeployed once per new version. A failed run is retried on the next
 * tick while that version is still current. The version loaded at boot is not re-matched: the
 * fleet matched it when it was announced (or scans will, on their next event).
 */
export class RematchWatcher {
  #seen: string;
  #running: Promise<unknown> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly vulndb: VulnerabilityDatabase,
    private readonly rematch: Pick<RematchDeployed, 'execute'>,
    private readonly logger: { warn(obj: object, msg: string): void },
  ) {
    this.#seen = vulndb.current().version;
  }

  start(pollMs: number): void {
    this.#timer = setInterval(() => void this.check(), pollMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  /** Runs the re-match if the database changed since the last successful one. */
  async check(): Promise<void> {
    if (this.#running) return;
    const db = this.vulndb.current();
    if (db.version === this.#seen) return;
    this.#running = this.rematch.execute(db);
    try {
      await this.#running;
      this.#seen = db.version;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.logger.warn({ vulndbVersion: db.version, code: typeof code === 'string' ? code : 'UNKNOWN' }, 're-matching deployed images failed; retrying');
    } finally {
      this.#running = undefined;
    }
  }
}
