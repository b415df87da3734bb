import { NotReadyError } from '@portcullis/errors';
import {
  applyEvent,
  renderReplies,
  renderRoot,
  unpostedReplies,
  type ReleaseLinks,
  type RouteDecision,
  type SlackMessage,
  type ThreadEvent,
} from '@portcullis/notify';
import { createHash } from 'node:crypto';
import {
  type ChannelAllowance,
  type ChannelPost,
  type Clock,
  type NotifyMetrics,
  type ReleaseLocks,
  type ReleaseRouting,
  type SlackGateway,
  type ThreadRecord,
  type ThreadStore,
} from './notify-release.ports.js';
import { SlackCallError } from './slack-call.error.js';

/** Reply keys kept per channel; far above what a bounded thread can produce (audit, 20 scans, 20 environments' steps, 30 actions). */
const MAX_REPLY_KEYS = 500;
/** Replies waiting for Slack per release; only a long outage fills it, and then the oldest go first. */
const MAX_PENDING_REPLIES = 100;

export interface NotifyReleaseDeps {
  threads: ThreadStore;
  slack: SlackGateway;
  allowance: ChannelAllowance;
  locks: ReleaseLocks;
  routing: ReleaseRouting;
  clock: Clock;
  metrics: NotifyMetrics;
  /** Link templates of the root message. */
  links: ReleaseLinks;
}

/** What one event did, for logs and tests. */
export interface NotifyOutcome {
  /** `ignored`: not about a release. `synced`: Slack shows the release's current state. */
  status: 'ignored' | 'synced';
  rootsPosted: number;
  rootsUpdated: number;
  repliesPosted: number;
}

/**
 * NotifyRelease: folds one event into its release's thread and brings Slack up to date — one root
 * message per release and channel (posted once, then updated in place) and the thread replies not
 * posted yet.
 *
 * - Under a per-release lock: load, fold, persist the fold, then sync. The fold is saved before any
 *   Slack call, so an event handed back (no allowance, 429, 5xx) loses nothing: whichever event of
 *   the release runs next renders the latest state.
 * - Every Slack call first takes a token from the channel's shared bucket. With none left the
 *   event goes back as not-ready after the bucket's hint and the root stays dirty (its stored hash
 *   differs from the rendering): a burst of events becomes one update of the latest state.
 * - Each root ts and reply key is stored right after its call succeeded, so a redelivered event
 *   posts nothing twice.
 */
export class NotifyRelease {
  constructor(private readonly deps: NotifyReleaseDeps) {}

  async execute(event: ThreadEvent, releaseId: string): Promise<NotifyOutcome> {
    return this.deps.locks.withLock(`notify:${releaseId}`, async () => {
      const stored = await this.deps.threads.load(releaseId);
      const thread = applyEvent(stored?.thread, event);
      if (!thread) return { status: 'ignored', rootsPosted: 0, rootsUpdated: 0, repliesPosted: 0 };
      const route = this.deps.routing.route(thread.repository);
      // Replies are rendered when their step is folded, so a step coalesced into a later update
      // (the allowance was spent) still gets its reply. A redelivered event folds to the same
      // thread and adds none.
      const fresh = stored?.thread === thread ? [] : renderReplies(stored?.thread, thread, { minSeverity: route.minSeverity, mentions: route.mentions });
      const pending = unpostedReplies([...(stored?.pending ?? []), ...fresh], []).slice(-MAX_PENDING_REPLIES);
      const record: ThreadRecord = { thread, posts: { ...(stored?.posts ?? {}) }, pending, updatedAt: this.deps.clock.now().toISOString() };
      if (!stored || stored.thread !== thread) await this.deps.threads.save(record);
      return this.#sync(record, route);
    });
  }

  async #sync(record: ThreadRecord, route: RouteDecision): Promise<NotifyOutcome> {
    const outcome: NotifyOutcome = { status: 'synced', rootsPosted: 0, rootsUpdated: 0, repliesPosted: 0 };
    const root = renderRoot(record.thread, this.deps.links);
    const rootHash = hashOf(root);
    // Pending replies stay on the record until every channel has them: an event handed back
    // halfway through leaves them for whichever step of the release runs next.
    const replies = record.pending;

    for (const routed of route.channels) {
      let post = record.posts[routed];
      if (!post) {
        await this.#allow(routed);
        const posted = await this.#call('chat.postMessage', () => this.deps.slack.postRoot(routed, root));
        post = { channel: posted.channel, ts: posted.ts, rootHash, replies: [] };
        await this.#store(record, routed, post);
        outcome.rootsPosted += 1;
      } else if (post.rootHash !== rootHash) {
        await this.#allow(routed);
        const current = post;
        await this.#call('chat.update', () => this.deps.slack.updateRoot(current.channel, current.ts, root));
        post = { ...post, rootHash };
        await this.#store(record, routed, post);
        outcome.rootsUpdated += 1;
      }
      for (const reply of unpostedReplies(replies, post.replies)) {
        await this.#allow(routed);
        const current = post;
        await this.#call('chat.postMessage', () => this.deps.slack.postReply(current.channel, current.ts, { text: reply.text, blocks: reply.blocks }));
        post = { ...post, replies: [...post.replies, reply.key].slice(-MAX_REPLY_KEYS) };
        await this.#store(record, routed, post);
        outcome.repliesPosted += 1;
      }
    }
    if (record.pending.length > 0) {
      record.pending = [];
      await this.deps.threads.save(record);
    }
    return outcome;
  }

  async #allow(channel: string): Promise<void> {
    const taken = await this.deps.allowance.take(channel);
    if (taken.allowed) return;
    this.deps.metrics.deferred();
    throw new NotReadyError(`Slack allowance of ${channel} is spent; the release is updated once it refills`, taken.retryAfterMs);
  }

  async #call<T>(method: 'chat.postMessage' | 'chat.update', call: () => Promise<T>): Promise<T> {
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

/** Hash of what a root shows; equal hashes mean `rootChanged` would say false. */
export function hashOf(message: SlackMessage): string {
  return createHash('sha256').update(message.text).update('\0').update(JSON.stringify(message.blocks)).digest('hex');
}
