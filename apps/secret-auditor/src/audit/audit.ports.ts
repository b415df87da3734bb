import { type RepositoryRef } from '@portcullis/contracts';

/**
 * The last commit of each repository + ref whose whole history (as far as pushes delivered it) has
 * been audited. Shared by every instance; rejects with a StateError when Redis is unavailable.
 */
export interface RefTipStore {
  /** The last scanned tip, or undefined when none is known (never scanned, forgotten, or the ref was deleted). */
  get(repository: RepositoryRef, ref: string): Promise<string | undefined>;
  /**
   * Compare-and-set: moves the tip to `next` only if it still is `expected` (undefined = no tip).
   * False when another instance moved it meanwhile: the caller re-reads and decides again, so a
   * slower instance can never move the tip back over a newer scan.
   */
  advance(repository: RepositoryRef, ref: string, expected: string | undefined, next: string): Promise<boolean>;
  /** Compare-and-clear, for a deleted ref: forgets the tip only if it still is `expected`. */
  clear(repository: RepositoryRef, ref: string, expected: string): Promise<boolean>;
}

/** A full-history sweep of one repository, as the API or the CLI requests it. */
export interface SweepRequest {
  readonly requestId: string;
  readonly repository: RepositoryRef;
  /** Branch to sweep; absent = the default branch. */
  readonly ref?: string;
  readonly reason: string;
  readonly actor: { readonly source: 'api' | 'cli'; readonly id: string; readonly name: string };
  readonly requestedAt: Date;
}

/** Queues a sweep (`secrets.sweep` on operator.commands); resolves once Kafka acknowledged it. */
export interface SweepRequests {
  request(sweep: SweepRequest): Promise<{ readonly eventId: string }>;
}
