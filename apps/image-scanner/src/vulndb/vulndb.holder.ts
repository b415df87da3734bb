import { type VulnDb } from '@portcullis/vulndb';
import { type VulnerabilityDatabase } from '../scan/scan-image.ports.js';

/**
 * The database scans match against: one reference to an immutable, fully built `VulnDb`. `swap`
 * replaces the reference in one assignment, so a reader gets either the old or the new database,
 * never a mix; `ScanImage` calls `current()` once at the start of a scan and keeps that object
 * (and its version, which the result records) until the scan ends.
 */
export class VulnDbHolder implements VulnerabilityDatabase {
  #db: VulnDb;
  #loadedAt: Date;

  constructor(initial: VulnDb, loadedAt: Date = new Date()) {
    this.#db = initial;
    this.#loadedAt = loadedAt;
  }

  current(): VulnDb {
    return this.#db;
  }

  /** When the current database was swapped in (or loaded at boot). */
  get loadedAt(): Date {
    return this.#loadedAt;
  }

  /** Makes `db` the database of every scan that starts from now on. Returns the previous one. */
  swap(db: VulnDb, at: Date = new Date()): VulnDb {
    const previous = this.#db;
    this.#db = db;
    this.#loadedAt = at;
    return previous;
  }
}
