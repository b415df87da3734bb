import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { childOf, newTraceContext } from './trace-context.js';
import { currentTrace, runWithTrace } from './trace-storage.js';

describe('runWithTrace / currentTrace', () => {
  it('has no trace outside a traced context', () => {
    expect(currentTrace()).toBeUndefined();
  });

  it('keeps the trace across awaits, timers and callbacks, and returns what fn returns', async () => {
    const trace = newTraceContext();
    const sut = await runWithTrace(trace, async () => {
      await sleep(5);
      const inTimer = await new Promise((resolve) => setTimeout(() => resolve(currentTrace()), 1));
      await Promise.resolve();
      return { afterAwait: currentTrace(), inTimer };
    });
    expect(sut).toEqual({ afterAwait: trace, inTimer: trace });
    expect(currentTrace()).toBeUndefined();
  });

  it('keeps concurrent handlers apart', async () => {
    const traces = [newTraceContext(), newTraceContext(), newTraceContext()];
    const seen = await Promise.all(
      traces.map((trace, index) =>
        runWithTrace(trace, async () => {
          await sleep(10 - index * 3);
          return currentTrace()?.traceId;
        }),
      ),
    );
    expect(seen).toEqual(traces.map((trace) => trace.traceId));
  });

  it('restores the outer trace after a nested child span', async () => {
    const outer = newTraceContext();
    await runWithTrace(outer, async () => {
      const inner = childOf(outer);
      await runWithTrace(inner, async () => {
        await sleep(1);
        expect(currentTrace()).toBe(inner);
      });
      expect(currentTrace()).toBe(outer);
    });
  });
});
