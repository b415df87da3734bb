import { randomUUID } from 'node:crypto';

/**
 * REDIS_URL of the local stack. Integration tests fail (never skip) without it, so a missing stack
 * is never mistaken for a passing suite.
 */
export function requireRedisUrl(): string {
  const url = process.env['REDIS_URL'];
  if (!url) {
    throw new Error(
      'REDIS_URL is not set. Start the local stack and export its env: ' +
        'tools/stack/stack up && eval "$(tools/stack/stack env --export)"',
    );
  }
  return url;
}

/** A key prefix no other test file or run shares, so files can run in parallel on one Redis. */
export function uniquePrefix(file: string): string {
  return `test:${file}:${randomUUID().slice(0, 8)}:`;
}

/** Polls `check` until it returns true; fails with `what` after timeoutMs. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Milliseconds `promise` took to settle, and how it settled. */
export async function timed<T>(promise: Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const start = performance.now();
  const [result] = await Promise.allSettled([promise]);
  return { ms: performance.now() - start, result: result as PromiseSettledResult<T> };
}

/** The slice of an ioredis client `deleteByPrefix` needs; keeps ioredis types out of this helper. */
interface ScanningRedis {
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', n: number): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
}

/** Removes what a test file left behind (fence counters never expire on their own). */
export async function deleteByPrefix(redis: ScanningRedis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
