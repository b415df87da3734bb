import type { SlackMessage } from './slack-limits.js';

/**
 * True when `next` would show something `previous` does not: a burst of events that changes
 * nothing visible (a redelivery, a re-scan with the same result) costs no `chat.update`.
 * Messages are built with a fixed key order, so comparing their JSON is exact.
 */
export function rootChanged(previous: SlackMessage | undefined, next: SlackMessage): boolean {
  if (!previous) return true;
  return previous.text !== next.text || JSON.stringify(previous.blocks) !== JSON.stringify(next.blocks);
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
