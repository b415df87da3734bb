import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { ShutdownDeadline } from './shutdown-deadline.js';

describe('ShutdownDeadline', () => {
  let source: EventEmitter;
  let exit: Mock<(code: number) => void>;
  type LogFn = (obj: object, msg?: string) => void;
  let logger: { info: Mock<LogFn>; warn: Mock<LogFn>; error: Mock<LogFn> };
  let sut: ShutdownDeadline;

  beforeEach(() => {
    vi.useFakeTimers();
    source = new EventEmitter();
    exit = vi.fn<(code: number) => void>();
    logger = { info: vi.fn<LogFn>(), warn: vi.fn<LogFn>(), error: vi.fn<LogFn>() };
    sut = new ShutdownDeadline({ graceMs: 20_000, logger, source, exit });
    sut.watch();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('exits with 1 when the close takes longer than the grace period', () => {
    source.emit('SIGTERM', 'SIGTERM');

    vi.advanceTimersByTime(19_999);
    expect(exit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(exit).toHaveBeenCalledWith(1);
    expect(logger.error).toHaveBeenCalledWith({ signal: 'SIGTERM', graceMs: 20_000 }, expect.stringContaining('SHUTDOWN_GRACE'));
  });

  it('does nothing while no signal arrived', () => {
    vi.advanceTimersByTime(60_000);

    expect(exit).not.toHaveBeenCalled();
  });

  it('exits at once on a second signal', () => {
    source.emit('SIGINT', 'SIGINT');
    source.emit('SIGINT', 'SIGINT');

    expect(exit).toHaveBeenCalledWith(1);
    expect(logger.warn).toHaveBeenCalledOnce();
  });

  it('keeps a running deadline after unwatch, but ignores later signals', () => {
    source.emit('SIGTERM', 'SIGTERM');
    sut.unwatch();

    source.emit('SIGTERM', 'SIGTERM');
    expect(exit).not.toHaveBeenCalled();
    expect(source.listenerCount('SIGTERM')).toBe(0);
    vi.advanceTimersByTime(20_000);
    expect(exit).toHaveBeenCalledWith(1);
  });
});
