import { type ReleaseThread } from '@portcullis/notify';
import { statusesOf, type CommitStatusLinks, type CommitStatusState, type DesiredCommitStatus } from './commit-status.js';
import { type CommitStatusPublisher } from './commit-status.publisher.js';

/** What was last posted for one context: enough to tell whether the desired status changed. */
export interface SentCommitStatus {
  state: CommitStatusState;
  description: string;
  running?: true;
  targetUrl?: string;
}

/** The statuses last posted for a release's commit; the caller stores it beside the thread (plain JSON). */
export interface SentCommitStatuses {
  releaseId: string;
  /** By context. */
  statuses: Record<string, SentCommitStatus>;
}

/** What a sync did. */
export interface SyncCommitStatusesResult {
  /** The record to store for the next sync. */
  sent: SentCommitStatuses;
  /** Contexts posted this time, in order. */
  published: string[];
  /** Contexts the provider already showed in that state (GitLab's refused repeats); recorded as sent. */
  alreadySet: string[];
  /** The publisher's `CommitStatusError` (or other error) that stopped the sync; `sent` holds what was posted before it. */
  failure?: unknown;
}

/**
 * SyncCommitStatuses: post on the release's commit only the gate statuses that changed since the
 * last sync. Contexts are posted one at a time, in context order. The first failure stops the
 * sync and comes back as `failure`, with `sent` recording what was posted before it: the caller
 * stores that and the next attempt posts only the rest (a repeat is harmless anyway: every
 * provider takes it as an update, and GitLab's refused repeat counts as set).
 */
export class SyncCommitStatuses {
  constructor(private readonly deps: { readonly publisher: CommitStatusPublisher; readonly links: CommitStatusLinks }) {}

  async execute(command: { readonly thread: ReleaseThread; readonly lastSent?: SentCommitStatuses }): Promise<SyncCommitStatusesResult> {
    const { thread } = command;
    const previous = command.lastSent?.releaseId === thread.releaseId ? command.lastSent.statuses : {};
    const statuses: Record<string, SentCommitStatus> = { ...previous };
    const published: string[] = [];
    const alreadySet: string[] = [];
    const target = { repository: thread.repository, sha: thread.sha, ...(thread.ref === undefined ? {} : { ref: thread.ref }) };
    for (const desired of statusesOf(thread, this.deps.links)) {
      const record = recordOf(desired);
      if (same(previous[desired.context], record)) continue;
      let outcome: Awaited<ReturnType<CommitStatusPublisher['publish']>>;
      try {
        outcome = await this.deps.publisher.publish(target, desired);
      } catch (failure) {
        return { sent: { releaseId: thread.releaseId, statuses }, published, alreadySet, failure };
      }
      (outcome === 'already-set' ? alreadySet : published).push(desired.context);
      statuses[desired.context] = record;
    }
    return { sent: { releaseId: thread.releaseId, statuses }, published, alreadySet };
  }
}

function recordOf(status: DesiredCommitStatus): SentCommitStatus {
  return {
    state: status.state,
    description: status.description,
    ...(status.running ? { running: true as const } : {}),
    ...(status.targetUrl === undefined ? {} : { targetUrl: status.targetUrl }),
  };
}

function same(a: SentCommitStatus | undefined, b: SentCommitStatus): boolean {
  return a !== undefined && a.state === b.state && a.description === b.description && a.running === b.running && a.targetUrl === b.targetUrl;
}
