import { exampleAuditCompleted, exampleReleaseTransition, exampleScanCompleted } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { applyEvent, foldEvents } from '../thread/release-thread.js';
import { outcomeKey, rootChanged, unpostedReplies } from './coalesce.js';
import { renderRoot } from './render-root.js';

describe('rootChanged', () => {
  const thread = foldEvents([{ id: 'a1', body: exampleAuditCompleted() }])!;

  it('is true for the first render and for a visible change', () => {
    const before = renderRoot(thread);
    const after = renderRoot(applyEvent(thread, { id: 'd1', body: exampleReleaseTransition() })!);

    expect(rootChanged(undefined, before)).toBe(true);
    expect(rootChanged(before, after)).toBe(true);
  });

  it('is false when a new fact renders the same (a redelivery, a re-audit with the same result)', () => {
    const before = renderRoot(thread);
    const reaudit = applyEvent(thread, { id: 'a2', time: '2099-01-01T00:00:00.000Z', body: exampleAuditCompleted() })!;

    expect(reaudit).not.toBe(thread);
    expect(rootChanged(before, renderRoot(reaudit))).toBe(false);
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
