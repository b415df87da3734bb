import { describe, expect, it } from 'vitest';
import { HandlerDeadlines } from './handler-deadlines.js';

describe('HandlerDeadlines', () => {
  it('aborts and rejects a handler once its deadline has passed, and only then', async () => {
    const sut = new HandlerDeadlines(1_000);
    const run = sut.begin(10_000);
    sut.sweep(10_999);
    expect(run.signal.aborted).toBe(false);
    sut.sweep(11_000);
    expect(run.signal.aborted).toBe(true);
    await expect(run.expired).rejects.toMatchObject({ name: 'HandlerTimeout', message: 'handler exceeded 1000 ms' });
    expect(sut.size).toBe(0);
    sut.close('done');
  });

  it('leaves a handler that ended alone', () => {
    const sut = new HandlerDeadlines(1_000);
    const run = sut.begin(0);
    sut.end(run);
    sut.sweep(5_000);
    expect(run.signal.aborted).toBe(false);
    sut.close('done');
  });

  it('aborts every in-flight handler on close, with the reason given', async () => {
    const sut = new HandlerDeadlines(60_000);
    const runs = [sut.begin(), sut.begin()];
    sut.close(new Error('consumer shutting down'));
    for (const run of runs) {
      expect(run.signal.reason).toEqual(new Error('consumer shutting down'));
      await expect(run.expired).rejects.toThrow('consumer shutting down');
    }
  });

  it('sweeps on its own timer', async () => {
    const sut = new HandlerDeadlines(20, 10);
    const run = sut.begin();
    await expect(run.expired).rejects.toMatchObject({ name: 'HandlerTimeout' });
    sut.close('done');
  });
});
