import { type DependencyFileFormat } from '@portcullis/contracts';
import { lockfileFormatOf } from '@portcullis/sbom';
import { type AuditChange } from '../audit/audit-push.ports.js';

/** Lockfiles audited per push at most (the contract's cap); the rest are counted as left out. */
export const MAX_LOCKFILES_PER_PUSH = 25;

/** A lockfile the range changed, with its content at the range's end when the listing already had it. */
export interface ChangedLockfile {
  readonly path: string;
  readonly format: DependencyFileFormat;
  /** Whole content at `after` (manifests are listed in full: package-lock.json, pnpm-lock.yaml). */
  readonly content?: string;
}

/**
 * Notes which lockfiles the changes of a range touch, as they stream past the secret scan (the
 * listing is walked once). Only file names decide; nothing is read here.
 */
export class LockfileChanges {
  readonly #files = new Map<string, { format: DependencyFileFormat; content?: string }>();

  /** Every kind counts (added lines, a whole manifest, a skip): the file is read at `after` either way. */
  observe(change: AuditChange): void {
    const format = lockfileFormatOf(change.path);
    if (format === undefined) return;
    const known = this.#files.get(change.path) ?? { format };
    if (change.kind === 'manifest') known.content = change.content;
    this.#files.set(change.path, known);
  }

  get size(): number {
    return this.#files.size;
  }

  /** The changed lockfiles in path order. */
  list(): ChangedLockfile[] {
    return [...this.#files.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, f]) => ({ path, format: f.format, ...(f.content !== undefined ? { content: f.content } : {}) }));
  }
}
