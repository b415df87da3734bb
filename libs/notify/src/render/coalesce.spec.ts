import { exampleAuditCompleted, exampleReleaseTransition } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { applyEvent, foldEvents } from '../thread/release-thread.js';
import { rootChanged, unpostedReplies } from './coalesce.js';
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
