import { AsyncLocalStorage } from 'node:async_hooks';
import { type TraceContext } from './trace-context.js';

// One store per process: the consumer that puts an event's trace in context and the producer or
// logger that reads it are different modules, and they must see the same storage.
const storage = new AsyncLocalStorage<TraceContext>();

/**
 * Runs `fn` with `context` as the current trace; everything it awaits or schedules sees it, and
 * the caller's context is back once it returns. Returns what `fn` returns (a promise stays one).
 */
export function runWithTrace<T>(context: TraceContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The trace of the work in progress, or undefined outside any `runWithTrace`. */
export function currentTrace(): TraceContext | undefined {
  return storage.getStore();
}
