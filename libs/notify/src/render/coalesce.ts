import { createHash } from 'node:crypto';
import type { ReleaseState } from '@portcullis/contracts';
import type { ReleaseThread } from '../thread/release-thread.js';
import type { KnownBlock } from '@slack/types';
import { SLACK_LIMITS, type SlackMessage } from './slack-limits.js';

/**
 * A digest of everything a message shows (fallback text and blocks). The caller stores it with the
 * posted root; a rendering with the same digest would change nothing visible, so a burst of events
 * that changes nothing (a redelivery, a re-scan with the same result) costs no `chat.update`.
 * Messages are built with a fixed key order, so their JSON is a stable input.
 */
export function messageDigest(message: SlackMessage): string {
  return createHash('sha256').update(message.text).update('\0').update(JSON.stringify(message.blocks)).digest('hex');
}

/** The replies whose key the caller has not posted yet, in order, each key once. */
export function unpostedReplies<R extends { key: string }>(replies: readonly R[], posted: ReadonlySet<string> | readonly string[]): R[] {
  const seen = new Set(posted);
  const out: R[] = [];
  for (const reply of replies) {
    if (seen.has(reply.key)) continue;
    seen.add(reply.key);
    out.push(reply);
  }
  return out;
}

/** Environment states a post-only channel announces: where a release ended up, or why it stopped. */
const OUTCOME_STATES: ReadonlySet<ReleaseState> = new Set(['blocked', 'succeeded', 'failed', 'rolled_back']);

/**
 * What a post-only channel (an incoming webhook, which cannot update or thread) announces about a
 * release, as a key: the gates that failed or could not run, and each environment that was
 * blocked, deployed, failed or rolled back. `undefined` while there is nothing to announce (gates
 * pending or passed, rollouts under way), so a clean release that deploys nowhere posts nothing.
 * The caller posts one message each time the key changes, and never for the same key twice.
 */
export function outcomeKey(thread: ReleaseThread): string | undefined {
  const parts: string[] = [];
  const audit = thread.audit;
  if (audit && (audit.status === 'failed' || audit.verdict !== 'pass')) parts.push(`secrets:${audit.status === 'failed' ? 'error' : audit.verdict}`);
  for (const [key, scan] of Object.entries(thread.scans).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (scan.status === 'failed' || scan.verdict !== 'pass') parts.push(`scan:${key}:${scan.status === 'failed' ? 'error' : scan.verdict}`);
  }
  for (const [name, env] of Object.entries(thread.environments).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (OUTCOME_STATES.has(env.to)) parts.push(`env:${name}:${env.to}`);
  }
  return parts.length > 0 ? parts.join('\n') : undefined;
}

/** Replies sent as one thread message, and the keys to record once it is posted. */
export interface ReplyBatch {
  keys: string[];
  message: SlackMessage;
}

/**
 * Packs replies, in order, into as few thread messages as Slack's limits allow (50 blocks, the
 * fallback text Slack displays): a burst of steps costs one `chat.postMessage`, not one per step.
 * Replies are separated by a divider; block ids get the reply's position as prefix, since Slack
 * wants them unique within a message. A reply is never split.
 */
export function batchReplies(replies: readonly (SlackMessage & { key: string })[]): ReplyBatch[] {
  const batches: ReplyBatch[] = [];
  let current: { keys: string[]; blocks: KnownBlock[]; texts: string[] } = { keys: [], blocks: [], texts: [] };
  const blocksOf = (reply: SlackMessage, position: number): KnownBlock[] => [
    ...(position === 0 ? [] : [{ type: 'divider' } as const]),
    ...reply.blocks.map((b) => (b.block_id ? { ...b, block_id: `${position}.${b.block_id}`.slice(0, SLACK_LIMITS.blockId) } : b)),
  ];
  const flush = () => {
    if (current.keys.length > 0) batches.push({ keys: current.keys, message: { text: current.texts.join('\n'), blocks: current.blocks } });
    current = { keys: [], blocks: [], texts: [] };
  };
  for (const reply of replies) {
    const more = blocksOf(reply, current.keys.length);
    const fits = current.blocks.length + more.length <= SLACK_LIMITS.blocks && [...current.texts, reply.text].join('\n').length <= SLACK_LIMITS.fallbackText;
    if (current.keys.length > 0 && !fits) flush();
    current.blocks.push(...(current.keys.length === 0 ? blocksOf(reply, 0) : more));
    current.keys.push(reply.key);
    current.texts.push(reply.text);
  }
  flush();
  return batches;
}
