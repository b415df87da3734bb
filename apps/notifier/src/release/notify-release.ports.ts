import { type GitProvider } from '@portcullis/contracts';
import { type ReleaseThread, type RouteDecision, type SlackMessage, type ThreadReply } from '@portcullis/notify';
import { type SentCommitStatuses, type SyncCommitStatusesResult } from '../status/sync-commit-statuses.use-case.js';

/** What the notifier has posted in one routed channel for one release. */
export interface ChannelPost {
  /** Conversation id Slack answered with (the routed channel may be a name; chat.update needs the id). */
  channel: string;
  /** Root message ts: once stored, the root exists and is never posted again. */
  ts: string;
  /** Hash of the root content last written to Slack; differs from the current rendering while an update is pending. */
  rootHash: string;
  /** Keys of the thread replies posted in this channel (`ThreadReply.key`). */
  replies: string[];
  /** ISO time of the last root write (post or update); absent in records written before it existed. */
  writtenAt?: string;
  /** `outcomeKey` of the thread the root last showed ('' for none). */
  outcome?: string;
}

/** The notifier's record of one release (Redis, one per releaseId). */
export interface ThreadRecord {
  /** The release as folded from its events so far. */
  thread: ReleaseThread;
  /** ISO time the notifier folded the release's first event (absent in records written before it existed). */
  firstSeenAt?: string;
  /** ISO time the thread last changed. */
  foldedAt?: string;
  /** By routed channel (as the routing config names it). */
  posts: Record<string, ChannelPost>;
  /** Replies rendered for folded steps and not yet posted in every channel (posted ones are skipped by key). */
  pending: ThreadReply[];
  /** Commit statuses last posted on the release commit, by context (absent until the first one). */
  statuses?: SentCommitStatuses;
  /** The event handed back to bring Slack up to date, and until when the release's other events leave it to that one. */
  owedBy?: { eventId: string; until: string; heldForInterval?: true };
  /** ISO time of the last write. */
  updatedAt: string;
}

/** Per-release records. Every write replaces the whole record (the caller holds the release lock). */
export interface ThreadStore {
  load(releaseId: string): Promise<ThreadRecord | undefined>;
  save(record: ThreadRecord): Promise<void>;
}

/** The three Slack calls the notifier makes. Failures are `SlackCallError`s with their disposition. */
export interface SlackGateway {
  /** chat.postMessage of a root message; returns the conversation id and the message ts. */
  postRoot(channel: string, message: SlackMessage): Promise<{ channel: string; ts: string }>;
  /** chat.update of a root message the notifier posted. */
  updateRoot(channel: string, ts: string, message: SlackMessage): Promise<void>;
  /** chat.postMessage with `thread_ts`. */
  postReply(channel: string, threadTs: string, message: SlackMessage): Promise<void>;
}

/** Posts one message through an incoming webhook (no ts comes back: nothing can be updated or threaded). */
export interface WebhookPoster {
  post(message: SlackMessage): Promise<void>;
}

/** The Slack calls the notifier makes, as metrics label them. */
export type SlackMethod = 'chat.postMessage' | 'chat.update' | 'incoming-webhook';

/** The shared per-channel allowance (a token bucket across all instances). */
export interface ChannelAllowance {
  /** Takes one call from the channel's allowance, or says how long until one is free. Never waits. */
  take(channel: string): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }>;
}

/** Serialises the steps of one release across instances. */
export interface ReleaseLocks {
  /** Runs `fn` holding the lock `name`; a lock still busy after a short wait is a not-ready error. */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** Where a release is announced, from what its thread knows (repository, its `notify:` section, authors). */
export interface ReleaseRouting {
  route(thread: ReleaseThread): RouteDecision;
}

/** Commit statuses on the Git provider (SyncCommitStatuses behind the provider's shared allowance). */
export interface CommitStatusSync {
  /** Whether a host and token are configured for the provider. */
  supports(provider: GitProvider): boolean;
  /** Posts what changed since `lastSent`; a failure comes back in the result with what was posted before it. */
  sync(thread: ReleaseThread, lastSent: SentCommitStatuses | undefined): Promise<SyncCommitStatusesResult>;
}

export interface Clock {
  now(): Date;
}

/** What the use case counts (Prometheus in production). */
export interface NotifyMetrics {
  /** One Slack call and how it ended: ok, rate_limited (by Slack), unavailable, refused. */
  slackCall(method: SlackMethod, outcome: 'ok' | 'rate_limited' | 'unavailable' | 'refused'): void;
  /** A Slack call not made because the channel's allowance was spent (the event comes back later). */
  deferred(): void;
  /** An event dead-lettered because Slack refused it for good, by Slack's error code. */
  permanentFailure(reason: string): void;
  /** Commit statuses posted (or found already set) on a provider, and a failed sync by error code. */
  commitStatuses(provider: GitProvider, outcome: { posted: number; failedWith?: string }): void;
}
