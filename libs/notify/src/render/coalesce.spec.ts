import { exampleAuditCompleted, exampleReleaseTransition, exampleScanCompleted } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { applyEvent, foldEvents } from '../thread/release-thread.js';
import { batchReplies, messageDigest, outcomeKey, unpostedReplies } from './coalesce.js';
import { MessageBuilder } from './slack-limits.js';
import { renderRoot } from './render-root.js';

describe('messageDigest', () => {
  const thread = foldEvents([{ id: 'a1', body: exampleAuditCompleted() }])!;

  it('differs for a visible change', () => {
    const before = renderRoot(thread);
    const after = renderRoot(applyEvent(thread, { id: 'd1', body: exampleReleaseTransition() })!);

    expect(messageDigest(before)).not.toBe(messageDigest(after));
    expect(messageDigest({ ...before, text: `${before.text}.` })).not.toBe(messageDigest(before));
  });

  it('is the same when a new fact renders the same (a redelivery, a re-audit with the same result)', () => {
    const before = renderRoot(thread);
    const reaudit = applyEvent(thread, { id: 'a2', time: '2099-01-01T00:00:00.000Z', body: exampleAuditCompleted() })!;

    expect(reaudit).not.toBe(thread);
    expect(messageDigest(renderRoot(reaudit))).toBe(messageDigest(before));
  });
});

describe('unpostedReplies', () => {
  it('skips keys already posted and duplicates within the batch', () => {
    const replies = [{ key: 'a' }, { key: 'b' }, { key: 'b' }, { key: 'c' }];

    expect(unpostedReplies(replies, new Set(['a'])).map((r) => r.key)).toEqual(['b', 'c']);
  });
});

describe('outcomeKey', () => {
  const ZERO = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
  const clean = exampleAuditCompleted({ verdict: 'pass', counts: ZERO, findings: [] });
  const step = (sequence: number, to: 'deploying' | 'succeeded' | 'rolled_back') =>
    ({ id: `d${sequence}`, body: exampleReleaseTransition({ environment: 'staging', sequence, from: null, to, blocking: undefined, waitingFor: undefined }) });

  it('has nothing to announce while gates pass and rollouts run', () => {
    const thread = foldEvents([{ id: 'a1', body: clean }, step(1, 'deploying')])!;

    expect(outcomeKey(thread)).toBeUndefined();
  });

  it('changes once per outcome: a failed gate, then each environment that ends', () => {
    const failed = foldEvents([{ id: 'a1', body: exampleAuditCompleted({ verdict: 'fail' }) }])!;
    const deployed = foldEvents([{ id: 'a1', body: clean }, step(1, 'deploying'), step(2, 'succeeded')])!;
    const rolledBack = applyEvent(deployed, step(3, 'rolled_back'))!;
    const rescanned = applyEvent(deployed, { id: 's1', body: exampleScanCompleted({ verdict: 'pass', counts: ZERO }) })!;

    expect(outcomeKey(failed)).toBe('secrets:fail');
    expect(outcomeKey(deployed)).toBe('env:staging:succeeded');
    expect(outcomeKey(rolledBack)).toBe('env:staging:rolled_back');
    expect(outcomeKey(rescanned)).toBe(outcomeKey(deployed));
  });
});

describe('batchReplies', () => {
  const reply = (key: string, sections: number) => {
    const b = new MessageBuilder();
    for (let i = 0; i < sections; i += 1) b.section(`${key} part ${i}`, { blockId: `part:${i}` });
    return { key, ...b.build(`${key} text`) };
  };

  it('packs replies in order into one message, divided, with block ids unique within it', () => {
    const sut = batchReplies([reply('a', 2), reply('b', 1), reply('c', 2)]);

    expect(sut).toHaveLength(1);
    expect(sut[0]!.keys).toEqual(['a', 'b', 'c']);
    expect(sut[0]!.message.text).toBe('a text\nb text\nc text');
    expect(sut[0]!.message.blocks.map((b) => b.type)).toEqual(['section', 'section', 'divider', 'section', 'divider', 'section', 'section']);
    const ids = sut[0]!.message.blocks.flatMap((b) => (b.block_id ? [b.block_id] : []));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('starts a new message before a reply that would pass 50 blocks, and never splits a reply', () => {
    const sut = batchReplies([reply('a', 30), reply('b', 30), reply('c', 5)]);

    expect(sut.map((m) => m.keys)).toEqual([['a'], ['b', 'c']]);
    expect(sut.every((m) => m.message.blocks.length <= 50)).toBe(true);
    expect(sut[1]!.message.blocks[0]).toMatchObject({ block_id: '0.part:0' });
  });

  it('gives nothing for no replies', () => {
    expect(batchReplies([])).toEqual([]);
  });
});
