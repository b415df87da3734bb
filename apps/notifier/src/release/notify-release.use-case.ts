import { NotReadyError, PortcullisError } from '@portcullis/errors';
import {
  applyEvent,
  batchReplies,
  messageDigest,
  outcomeKey,
  renderReplies,
  renderRoot,
  unpostedReplies,
  type ReleaseLinks,
  type RouteDecision,
  type ThreadEvent,
} from '@portcullis/notify';
import {
  type ChannelAllowance,
  type ChannelPost,
  type Clock,
  type CommitStatusSync,
  type NotifyMetrics,
  type ReleaseLocks,
  type ReleaseRouting,
  type SlackGateway,
  type SlackMethod,
  type WebhookPoster,
  type ThreadRecord,
  type ThreadStore,
} from './notify-release.ports.js';
import { SlackCallError } from './slack-call.error.js';

/** Reply keys kept per channel; far above what a bounded thread can produce (audit, 20 scans, 20 environments' steps, 30 actions). */
const MAX_REPLY_KEYS = 500;
/** A release still receiving events after this many settle periods is posted anyway. */
const MAX_SETTLE_FACTOR = 5;
/** How long past its expected return an event owing a release's Slack sync keeps the others from waiting too. */
const OWED_GRACE_MS = 30_000;
/** Replies waiting for Slack per release; only a long outage fills it, and then the oldest go first. */
const MAX_PENDING_REPLIES = 100;

/** Slack through a bot token: one thread per release and channel, updated in place. */
export interface BotDelivery {
  mode: 'bot';
  gateway: SlackGateway;
  allowance: ChannelAllowance;
  routing: ReleaseRouting;
  /** Link templates of the root message. */
  links: ReleaseLinks;
  /**
   * How long a new release must be quiet (no new fact) before its root is first posted, at most
   * `MAX_SETTLE_FACTOR` times this after its first event: the first burst of a release (push,
   * audit, build, scan) becomes one post instead of a post and its updates. 0 posts at once.
   */
  settleMs: number;
  /**
   * Least time between two updates of a root that only show progress; an update that shows a new
   * outcome (`outcomeKey`: a gate failed, an environment blocked, deployed, failed or rolled back)
   * is sent at once. Progress in between coalesces into the next update.
   */
  updateIntervalMs: number;
}

/**
 * Slack through an incoming webhook (post-only, one channel chosen at install): one message per
 * outcome of a release (`outcomeKey`), no updates, no replies, no buttons.
 */
export interface WebhookDelivery {
  mode: 'webhook';
  poster: WebhookPoster;
  allowance: ChannelAllowance;
  links: ReleaseLinks;
}

export type SlackDelivery = BotDelivery | WebhookDelivery;

/** The channel name the webhook's record and allowance are kept under. */
export const WEBHOOK_CHANNEL = 'incoming-webhook';

export interface NotifyReleaseDeps {
  threads: ThreadStore;
  locks: ReleaseLocks;
  clock: Clock;
  metrics: NotifyMetrics;
  /** The release thread in Slack; absent = Slack disabled. */
  slack?: SlackDelivery;
  /** Commit statuses on the Git provider; absent = no provider configured. */
  statuses?: CommitStatusSync;
}

/** What one event did, for logs and tests. */
export interface NotifyOutcome {
  /**
   * `ignored`: not about a release. `synced`: Slack and the commit show the release's current
   * state. `deferred`: folded and saved; another event of the release, handed back earlier, brings Slack up to date.
   */
  status: 'ignored' | 'synced' | 'deferred';
  rootsPosted: number;
  rootsUpdated: number;
  /** Replies posted (several may share one thread message). */
  repliesPosted: number;
  /** Commit statuses posted (or found already set) on the provider. */
  statusesPosted: number;
}

const NOTHING: NotifyOutcome = { status: 'ignored', rootsPosted: 0, rootsUpdated: 0, repliesPosted: 0, statusesPosted: 0 };

/**
 * NotifyRelease: folds one event into its release's thread and brings Slack and the commit up to
 * date — one root message per release and channel (posted once, then updated in place), the thread
 * replies not posted yet, and the commit statuses that changed.
 *
 * - Under a per-release lock: load, fold, persist the fold, then sync. The fold is saved before any
 *   call out, so an event handed back (no allowance, 429, 5xx) loses nothing: whichever event of
 *   the release runs next renders the latest state.
 * - Every Slack call first takes a token from the channel's shared bucket. With none left the
 *   event goes back as not-ready after the bucket's hint and the root stays dirty (its stored hash
 *   differs from the rendering): a burst of events becomes one update of the latest state.
 * - Each root ts and reply key is stored right after its call succeeded, so a redelivered event
 *   posts nothing twice; the statuses last posted are stored the same way and only changes are sent.
 * - Statuses go first and Slack still runs when they fail: a provider problem never holds the
 *   thread back. Slack's own error wins (it decides retry or dead letter); otherwise the status
 *   failure is thrown after Slack is done, with its disposition (retry, not-ready, dead letter).
 */
export class NotifyRelease {
  constructor(private readonly deps: NotifyReleaseDeps) {}

  async execute(event: ThreadEvent, releaseId: string): Promise<NotifyOutcome> {
    return this.deps.locks.withLock(`notify:${releaseId}`, async () => {
      const stored = await this.deps.threads.load(releaseId);
      const thread = applyEvent(stored?.thread, event);
      if (!thread) return NOTHING;
      const slack = this.deps.slack;
      const route = slack?.mode === 'bot' ? slack.routing.route(thread) : undefined;
      // Replies are rendered when their step is folded, so a step coalesced into a later update
      // (the allowance was spent) still gets its reply. A redelivered event folds to the same
      // thread and adds none.
      const fresh = !route || stored?.thread === thread ? [] : renderReplies(stored?.thread, thread, { minSeverity: route.minSeverity, mentions: route.mentions });
      const pending = unpostedReplies([...(stored?.pending ?? []), ...fresh], []).slice(-MAX_PENDING_REPLIES);
      const now = this.deps.clock.now().toISOString();
      const changed = !stored || stored.thread !== thread;
      const record: ThreadRecord = {
        thread,
        firstSeenAt: stored?.firstSeenAt ?? now,
        ...(changed ? { foldedAt: now } : stored.foldedAt ? { foldedAt: stored.foldedAt } : {}),
        posts: { ...(stored?.posts ?? {}) },
        pending,
        ...(stored?.statuses ? { statuses: stored.statuses } : {}),
        ...(stored?.owedBy ? { owedBy: stored.owedBy } : {}),
        updatedAt: now,
      };
      if (changed) await this.deps.threads.save(record);

      const { posted: statusesPosted, failure } = await this.#syncStatuses(record);
      const outcome = await this.#owedSync(record, event.id, async () =>
        slack?.mode === 'bot' && route
          ? this.#sync(record, slack, route)
          : slack?.mode === 'webhook'
            ? this.#postOutcome(record, slack)
            : { ...NOTHING, status: 'synced' as const },
      );
      if (failure !== undefined) throw failure;
      return { ...outcome, statusesPosted };
    });
  }

  /**
   * One event per release waits for Slack, not all of them. An event that finds another event of
   * its release already handed back to bring Slack up to date (`owedBy`, until its expected return
   * plus a grace) is done once its fact is folded and saved: that event renders it. The one handed
   * back becomes the owner; when it comes back and syncs, the debt is cleared. An owner that does
   * not come back in time (dead-lettered after its reschedules, explained there) is replaced by the
   * next event. This keeps a storm from cycling every event through the retry topic.
   */
  async #owedSync(record: ThreadRecord, eventId: string, sync: () => Promise<NotifyOutcome>): Promise<NotifyOutcome> {
    const now = this.deps.clock.now().getTime();
    const owed = record.owedBy;
    // An owner holding back progress for the update interval does not hold back a new outcome.
    const outcome = outcomeKey(record.thread) ?? '';
    const overtakes = owed?.heldForInterval === true && Object.values(record.posts).some((post) => (post.outcome ?? '') !== outcome);
    if (owed && owed.eventId !== eventId && Date.parse(owed.until) > now && !overtakes) return { ...NOTHING, status: 'deferred' };
    try {
      const outcome = await sync();
      if (record.owedBy) {
        delete record.owedBy;
        await this.deps.threads.save(record);
      }
      return outcome;
    } catch (error) {
      if (error instanceof PortcullisError && error.disposition === 'not-ready') {
        record.owedBy = {
          eventId,
          until: new Date(now + (error.retryAfterMs ?? 0) + OWED_GRACE_MS).toISOString(),
          ...(error instanceof UpdateHeldError ? { heldForInterval: true } : {}),
        };
        await this.deps.threads.save(record);
      }
      throw error;
    }
  }

  async #syncStatuses(record: ThreadRecord): Promise<{ posted: number; failure?: unknown }> {
    const statuses = this.deps.statuses;
    const provider = record.thread.repository.provider;
    if (!statuses?.supports(provider)) return { posted: 0 };
    const result = await statuses.sync(record.thread, record.statuses);
    const posted = result.published.length + result.alreadySet.length;
    if (posted > 0) {
      record.statuses = result.sent;
      record.updatedAt = this.deps.clock.now().toISOString();
      await this.deps.threads.save(record);
    }
    const failedWith = result.failure === undefined ? undefined : result.failure instanceof PortcullisError ? result.failure.code : 'UNEXPECTED';
    this.deps.metrics.commitStatuses(provider, { posted, ...(failedWith ? { failedWith } : {}) });
    return { posted, ...(result.failure === undefined ? {} : { failure: result.failure }) };
  }

  /** Webhook mode: one message each time the release's outcome changes; the key is stored right after the post. */
  async #postOutcome(record: ThreadRecord, slack: WebhookDelivery): Promise<NotifyOutcome> {
    const key = outcomeKey(record.thread);
    const outcome: NotifyOutcome = { ...NOTHING, status: 'synced' };
    if (key === undefined || record.posts[WEBHOOK_CHANNEL]?.rootHash === key) return outcome;
    await this.#allow(slack, WEBHOOK_CHANNEL);
    await this.#call('incoming-webhook', () => slack.poster.post(renderRoot(record.thread, slack.links)));
    await this.#store(record, WEBHOOK_CHANNEL, { channel: WEBHOOK_CHANNEL, ts: '', rootHash: key, replies: [], outcome: key });
    outcome.rootsPosted = 1;
    return outcome;
  }

  async #sync(record: ThreadRecord, slack: BotDelivery, route: RouteDecision): Promise<NotifyOutcome> {
    const outcome: NotifyOutcome = { ...NOTHING, status: 'synced' };
    if (route.channels.some((channel) => !record.posts[channel])) {
      // Quiet for settleMs since the last fold, but never more than MAX_SETTLE_FACTOR × settleMs after the first.
      const clock = this.deps.clock.now().getTime();
      const first = Date.parse(record.firstSeenAt ?? record.updatedAt);
      const last = Date.parse(record.foldedAt ?? record.firstSeenAt ?? record.updatedAt);
      const settling = Math.min(last + slack.settleMs, first + MAX_SETTLE_FACTOR * slack.settleMs) - clock;
      if (settling > 0) throw new NotReadyError(`release ${record.thread.releaseId} is settling before its first post`, settling);
    }
    const root = renderRoot(record.thread, slack.links);
    const rootHash = messageDigest(root);
    const rootOutcome = outcomeKey(record.thread) ?? '';
    const now = this.deps.clock.now().getTime();
    let updateDueInMs = 0;
    // Pending replies stay on the record until every channel has them: an event handed back
    // halfway through leaves them for whichever step of the release runs next.
    const replies = record.pending;

    for (const routed of route.channels) {
      let post = record.posts[routed];
      if (!post) {
        await this.#allow(slack, routed);
        const posted = await this.#call('chat.postMessage', () => slack.gateway.postRoot(routed, root));
        post = { channel: posted.channel, ts: posted.ts, rootHash, replies: [], writtenAt: new Date(now).toISOString(), outcome: rootOutcome };
        await this.#store(record, routed, post);
        outcome.rootsPosted += 1;
      } else if (post.rootHash !== rootHash) {
        // Progress waits for the update interval; a new outcome (a gate failed, an environment ended) goes at once.
        const sinceWrite = now - Date.parse(post.writtenAt ?? new Date(0).toISOString());
        if (sinceWrite < slack.updateIntervalMs && (post.outcome ?? '') === rootOutcome) {
          updateDueInMs = Math.max(updateDueInMs, slack.updateIntervalMs - sinceWrite);
        } else {
          await this.#allow(slack, routed);
          const current = post;
          await this.#call('chat.update', () => slack.gateway.updateRoot(current.channel, current.ts, root));
          post = { ...post, rootHash, writtenAt: new Date(now).toISOString(), outcome: rootOutcome };
          await this.#store(record, routed, post);
          outcome.rootsUpdated += 1;
        }
      }
      // Replies waiting together go out as one thread message (as many as Slack's limits allow).
      for (const batch of batchReplies(unpostedReplies(replies, post.replies))) {
        await this.#allow(slack, routed);
        const current = post;
        await this.#call('chat.postMessage', () => slack.gateway.postReply(current.channel, current.ts, batch.message));
        post = { ...post, replies: [...post.replies, ...batch.keys].slice(-MAX_REPLY_KEYS) };
        await this.#store(record, routed, post);
        outcome.repliesPosted += batch.keys.length;
      }
    }
    if (record.pending.length > 0) {
      record.pending = [];
      await this.deps.threads.save(record);
    }
    if (updateDueInMs > 0) throw new UpdateHeldError(record.thread.releaseId, updateDueInMs);
    return outcome;
  }

  async #allow(slack: SlackDelivery, channel: string): Promise<void> {
    const taken = await slack.allowance.take(channel);
    if (taken.allowed) return;
    this.deps.metrics.deferred();
    throw new NotReadyError(`Slack allowance of ${channel} is spent; the release is updated once it refills`, taken.retryAfterMs);
  }

  async #call<T>(method: SlackMethod, call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      this.deps.metrics.slackCall(method, 'ok');
      return result;
    } catch (error) {
      if (error instanceof SlackCallError) {
        const outcome = error.code === 'SLACK_RATE_LIMITED' ? 'rate_limited' : error.code === 'SLACK_REFUSED' ? 'refused' : 'unavailable';
        this.deps.metrics.slackCall(method, outcome);
        if (error.code === 'SLACK_REFUSED') this.deps.metrics.permanentFailure(error.reason);
      }
      throw error;
    }
  }

  async #store(record: ThreadRecord, routed: string, post: ChannelPost): Promise<void> {
    record.posts[routed] = post;
    record.updatedAt = this.deps.clock.now().toISOString();
    await this.deps.threads.save(record);
  }
}

/** A root's progress update waits for the update interval (not-ready until then). */
class UpdateHeldError extends NotReadyError {
  constructor(releaseId: string, retryAfterMs: number) {
    super(`release ${releaseId} was updated less than the update interval ago`, retryAfterMs);
  }
}

