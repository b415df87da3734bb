import { exampleRegistryImagePushed, exampleScmPush, RegistryEvents, ScmEvents } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { combineOutcomes, type NormaliseOutcome, publishablesOf } from './normalise-outcome.js';

const push: NormaliseOutcome = { kind: 'event', topic: ScmEvents, body: exampleScmPush() };
const image: NormaliseOutcome = { kind: 'event', topic: RegistryEvents, body: exampleRegistryImagePushed() };

describe('publishablesOf', () => {
  it('flattens event and events, and yields nothing for the other outcomes', () => {
    const sut = publishablesOf;
    expect(sut(push).map((p) => p.body)).toEqual([exampleScmPush()]);
    expect(sut({ kind: 'events', items: [{ topic: ScmEvents, body: exampleScmPush() }, { topic: RegistryEvents, body: exampleRegistryImagePushed() }] })).toHaveLength(2);
    expect(sut({ kind: 'ignored', reason: 'x' })).toEqual([]);
    expect(sut({ kind: 'ping' })).toEqual([]);
    expect(sut({ kind: 'invalid', issues: [] })).toEqual([]);
  });
});

describe('combineOutcomes', () => {
  it('keeps the events of every part in order and drops ignored parts', () => {
    const combined = combineOutcomes([push, { kind: 'ignored', reason: 'blob' }, image], 'events', 'none');
    expect(combined.kind).toBe('events');
    expect(publishablesOf(combined).map((p) => p.topic)).toEqual([ScmEvents, RegistryEvents]);
  });

  it('is invalid when any part is, prefixing paths with the part index', () => {
    expect(combineOutcomes([push, { kind: 'invalid', issues: [{ path: 'after', message: 'bad' }] }], 'changes', 'none')).toEqual({
      kind: 'invalid',
      issues: [{ path: 'changes.1.after', message: 'bad' }],
    });
  });

  it('is ignored with the first reason when nothing is left, or the fallback when there were no parts', () => {
    expect(combineOutcomes([{ kind: 'ignored', reason: 'blob' }, { kind: 'ignored', reason: 'pull' }], 'events', 'none')).toEqual({ kind: 'ignored', reason: 'blob' });
    expect(combineOutcomes([], 'events', 'empty')).toEqual({ kind: 'ignored', reason: 'empty' });
  });
});
