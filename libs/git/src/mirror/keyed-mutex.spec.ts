import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './keyed-mutex.js';

describe('KeyedMutex', () => {
  it('runs holders of one key one at a time in arrival order, other keys meanwhile', async () => {
    const sut = new KeyedMutex();
    const events: string[] = [];
    const releaseA1 = await sut.acquire('a');
    const a2 = sut.acquire('a').then((release) => {
      events.push('a2');
      release();
    });
    const releaseB = await sut.acquire('b');
    events.push('b');
    releaseB();
    expect(events).toEqual(['b']);
    expect(sut.tryAcquire('a')).toBeUndefined();
    events.push('a1-done');
    releaseA1();
    await a2;
    expect(events).toEqual(['b', 'a1-done', 'a2']);
    expect(sut.isHeld('a')).toBe(false);
    const release = sut.tryAcquire('a');
    expect(release).toBeDefined();
    release!();
  });
});
