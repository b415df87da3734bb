import { type FakeSlackMessage } from '@portcullis/testing/saas';
import { isDeepStrictEqual } from 'node:util';

/** One version of a Slack root message and when it was written (ms, the stand-in's clock). */
export interface RootVersion {
  readonly text?: string;
  readonly blocks?: unknown[];
  readonly writtenAt: number;
}

/** Slack's `seconds.micros` message ts → ms. */
export function slackTsToMs(ts: string): number {
  const [seconds, micros = '0'] = ts.split('.');
  return Number(seconds) * 1000 + Number(micros.padEnd(6, '0')) / 1000;
}

/**
 * Every version of a root message, oldest first, with the time each was written. The stand-in
 * keeps the replaced versions in `edits`, each stamped when `chat.update` replaced it — which is
 * when the next version was written. So version 0 was written at the message's ts, version k at
 * `edits[k-1].at`, and the current one at the last edit's time.
 */
export function rootVersions(message: Pick<FakeSlackMessage, 'ts' | 'text' | 'blocks' | 'edits'>): RootVersion[] {
  const contents = [...message.edits.map((e) => ({ text: e.text, blocks: e.blocks })), { text: message.text, blocks: message.blocks }];
  const writtenAt = [slackTsToMs(message.ts), ...message.edits.map((e) => e.at)];
  return contents.map((c, k) => ({ ...(c.text === undefined ? {} : { text: c.text }), ...(c.blocks === undefined ? {} : { blocks: c.blocks }), writtenAt: writtenAt[k]! }));
}

/** The root as the notifier should end up rendering it (`renderRoot(foldEvents(...))`). */
export interface ExpectedRoot {
  readonly text: string;
  readonly blocks: readonly unknown[];
}

const sameAs = (version: RootVersion, want: ExpectedRoot) => version.text === want.text && isDeepStrictEqual(version.blocks ?? [], JSON.parse(JSON.stringify(want.blocks)) as unknown);

/**
 * When the root first showed its final content and kept it: the earliest version from which
 * every later version equals `want`; `undefined` when the current version differs (not final yet,
 * or lost).
 */
export function finalShownAt(message: Pick<FakeSlackMessage, 'ts' | 'text' | 'blocks' | 'edits'>, want: ExpectedRoot): number | undefined {
  const versions = rootVersions(message);
  let first: number | undefined;
  for (let k = versions.length - 1; k >= 0; k -= 1) {
    if (!sameAs(versions[k]!, want)) break;
    first = versions[k]!.writtenAt;
  }
  return first;
}

/** Nearest-rank quantiles of a sample. */
export interface Quantiles {
  readonly n: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** The smallest value with at least `q` of the values at or below it (nearest rank); `null` for none. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function quantiles(values: readonly number[]): Quantiles {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return { n: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? null };
}

/**
 * Sustained throughput of a stream of completions (per second): completions after the first over
 * the time from the first to the last. `null` below two completions or a zero span.
 */
export function throughputPerSecond(times: readonly number[]): number | null {
  if (times.length < 2) return null;
  const sorted = [...times].sort((a, b) => a - b);
  const span = sorted.at(-1)! - sorted[0]!;
  return span > 0 ? ((sorted.length - 1) * 1000) / span : null;
}
