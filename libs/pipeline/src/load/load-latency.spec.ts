import { describe, expect, it } from 'vitest';
import { finalShownAt, quantiles, rootVersions, slackTsToMs, throughputPerSecond } from './load-latency.js';

const block = (text: string) => [{ type: 'section', text: { type: 'mrkdwn', text } }];

// A root posted at 1000.000100 s, updated at 1002 s and 1005 s (each edit keeps the version it replaced).
const message = {
  ts: '1000.000100',
  text: 'final',
  blocks: block('final'),
  edits: [
    { text: 'waiting', blocks: block('waiting'), at: 1_002_000 },
    { text: 'final', blocks: block('final'), at: 1_005_000 },
  ],
};

describe('rootVersions', () => {
  it('dates version 0 at the post and each later one at the update that wrote it', () => {
    expect(rootVersions(message).map((v) => [v.text, v.writtenAt])).toEqual([
      ['waiting', 1_000_000.1],
      ['final', 1_002_000],
      ['final', 1_005_000],
    ]);
  });
});

describe('finalShownAt', () => {
  it('is when the root first showed the final content and kept it', () => {
    expect(finalShownAt(message, { text: 'final', blocks: block('final') })).toBe(1_002_000);
  });

  it('is undefined when the current version is not the final one', () => {
    expect(finalShownAt(message, { text: 'deployed', blocks: block('deployed') })).toBeUndefined();
  });

  it('compares blocks too, not only the text', () => {
    expect(finalShownAt(message, { text: 'final', blocks: block('other') })).toBeUndefined();
  });

  it('ignores an earlier version equal to the final one when a different one came after it', () => {
    const flapping = { ts: '1000.000000', text: 'a', blocks: block('a'), edits: [{ text: 'a', blocks: block('a'), at: 1_001_000 }, { text: 'b', blocks: block('b'), at: 1_003_000 }] };
    // Versions: a (1000 s), b (1001 s), a (1003 s).
    expect(finalShownAt(flapping, { text: 'a', blocks: block('a') })).toBe(1_003_000);
  });

  it('is the post time for a root never updated', () => {
    expect(finalShownAt({ ts: '1700000000.250000', text: 'x', blocks: block('x'), edits: [] }, { text: 'x', blocks: block('x') })).toBe(slackTsToMs('1700000000.250000'));
  });
});

describe('quantiles', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantiles(values)).toEqual({ n: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('gives nulls for no values', () => {
    expect(quantiles([])).toEqual({ n: 0, p50: null, p95: null, p99: null, max: null });
  });
});

describe('throughputPerSecond', () => {
  it('counts completions after the first over the span', () => {
    expect(throughputPerSecond([3_000, 1_000, 2_000])).toBe(1);
    expect(throughputPerSecond([1_000])).toBeNull();
  });
});
