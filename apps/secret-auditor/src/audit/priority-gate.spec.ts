import { describe, expect, it } from 'vitest';
import { PriorityGate } from './priority-gate.js';

describe('PriorityGate', () => {
  it('lets background work through at once when nothing urgent runs', async () => {
    const sut = new PriorityGate();
    await expect(sut.whenIdle()).resolves.toBeUndefined();
  });

  it('holds background work until every urgent run has finished', async () => {
    const sut = new PriorityGate();
    const order: string[] = [];
    let finishFirst!: () => void;
    let finishSecond!: () => void;
    const first = sut.run(() => new Promise<void>((r) => (finishFirst = r)).then(() => order.push('urgent 1')));
    const second = sut.run(() => new Promise<void>((r) => (finishSecond = r)).then(() => order.push('urgent 2')));
    const background = sut.whenIdle().then(() => order.push('background'));
    finishFirst();
    await first;
    expect(sut.busy).toBe(true);
    finishSecond();
    await Promise.all([second, background]);
    expect(order).toEqual(['urgent 1', 'urgent 2', 'background']);
    expect(sut.busy).toBe(false);
  });

  it('releases the gate when urgent work fails', async () => {
    const sut = new PriorityGate();
    await expect(sut.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(sut.busy).toBe(false);
  });
});
