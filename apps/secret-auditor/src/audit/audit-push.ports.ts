import { type AuditCompletedEvent, type AuditFailedEvent, type RepositoryRef } from '@portcullis/contracts';
import { type ScannableChange } from '@portcullis/secrets';

/** One thing a push changed, as the audit consumes it (libs/secrets scans a stream of them). */
export type AuditChange = ScannableChange;

/** What `changes` covered. */
export interface ListedRange {
  /** Commits audited. */
  readonly commits: number;
  /** Commits of the range left out by the per-push cap (the oldest). */
  readonly truncatedCommits: number;
}

/** The range as the audit reports it, and the tip it moves to. */
export interface AuditedRange extends ListedRange {
  readonly reported: { readonly before: string; readonly after: string };
  readonly nextTip: string;
}

/** A local mirror of one repository, leased for the duration of one audit. */
export interface RepositoryWorkspace {
  /** Brings the provider's refs and `commit` into the mirror (only what is missing). */
  fetch(commit: string): Promise<void>;
  hasCommit(commit: string): Promise<boolean>;
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** Streams the changes of `before..after` (see libs/git for how new refs, force pushes and tags are read). */
  changes(push: { ref: string; before: string; after: string }, onChange: (change: AuditChange) => Promise<void>): Promise<ListedRange>;
  /**
   * Streams the changes of every commit of `ref` (absent: `refs/heads/main`, else `refs/heads/master`,
   * else the first branch), oldest first, for a full-history sweep. Rejects with RANGE_UNAVAILABLE
   * when the branch does not exist.
   */
  history(ref: string | undefined, onChange: (change: AuditChange) => Promise<void>): Promise<ListedRange & { readonly ref: string; readonly head: string }>;
  readFile(commit: string, path: string, maxBytes: number): Promise<{ kind: 'found'; content: string } | { kind: 'missing' } | { kind: 'too-large' }>;
}

/** The git host side: a workspace per repository, serialised per repository. */
export interface RepositoryMirrors {
  withRepository<T>(repository: RepositoryRef, work: (workspace: RepositoryWorkspace) => Promise<T>): Promise<T>;
}

/** The event an audit answers: its outcome's id derives from it, and it carries the delivery id on. */
export interface AuditOrigin {
  readonly eventId: string;
  readonly deliveryId: string | undefined;
}

/** Publishes the audit's outcome to `audit.results`; resolves once Kafka acknowledged it. */
export interface AuditResults {
  completed(body: AuditCompletedEvent, origin: AuditOrigin): Promise<void>;
  failed(body: AuditFailedEvent, origin: AuditOrigin): Promise<void>;
}
