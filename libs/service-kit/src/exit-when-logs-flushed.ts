import { type Logger } from '@portcullis/observability';

const FLUSH_LIMIT_MS = 2_000;

/** Resolves once the logger has written what it buffered (or after a short limit). */
export function flushLogs(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const limit = setTimeout(resolve, FLUSH_LIMIT_MS);
    limit.unref();
    logger.flush(() => {
      clearTimeout(limit);
      resolve();
    });
  });
}

/**
 * Exits once the last log lines are out. The logger writes asynchronously; `process.exit` right
 * after a write can drop it when stdout is a pipe (containers, CI), and the line saying why the
 * service stopped is the one that matters.
 */
export async function exitWhenLogsFlushed(logger: Logger, code: number): Promise<never> {
  await flushLogs(logger);
  process.exit(code);
}
