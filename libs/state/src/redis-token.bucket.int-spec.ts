import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix, eventually, requireRedisUrl, timed, uniquePrefix } from '../test/redis-test.env.js';
import { createRedisClient, type StateClient } from './redis-state.client.js';
import { RedisTokenBucket, type TokenBucketLimit } from './redis-token.bucket.js';
import { StateError } from './state.error.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisTokenBucket against Redis', () => {
  const keyPrefix = uniquePrefix('token-bucket');
  let clientA: StateClient;
  let clientB: StateClient;
  let raw: Redis;

  beforeAll(() => {
    const url = requireRedisUrl();
    clientA = createRedisClient({ url, keyPrefix });
    clientB = createRedisClient({ url, keyPrefix });
    raw = new Redis(url);
  });
  afterAll(async () => {
    if (raw) await deleteByPrefix(raw, keyPrefix);
    await Promise.all([clientA?.close(), clientB?.close(), raw?.quit()]);
  });

  it('allows a burst of `capacity`, then refuses with a retry hint that matches the rate', async () => {
    const sut = new RedisTokenBucket(clientA);
    const limit = { capacity: 5, refillPerSecond: 2 };
    const burst = [];
    for (let i = 0; i < 5; i++) burst.push(await sut.take('burst', limit));
    expect(burst.map((r) => r.allowed)).toEqual([true, true, true, true, true]);
    expect(burst.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0]);

    const refused = await sut.take('burst', limit);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(500);
  });

  it('refills at the configured rate', async () => {
    const sut = new RedisTokenBucket(clientA);
    const limit = { capacity: 2, refillPerSecond: 10 };
    await sut.take('refill', { ...limit, cost: 2 });
    const start = performance.now();
    let allowed = 0;
    while (performance.now() - start < 1_500) {
      if ((await sut.take('refill', limit)).allowed) allowed += 1;
      await sleep(5);
    }
    const seconds = (performance.now() - start) / 1_000;
    // Empty at the start, so about rate × seconds; generous bounds for a busy machine.
    expect(allowed).toBeLessThanOrEqual(Math.ceil(10 * seconds) + 1);
    expect(allowed).toBeGreaterThanOrEqual(Math.floor(10 * seconds * 0.6));
  });

  it('never lets two hammering clients through more than capacity + rate × elapsed', async () => {
    const limit: TokenBucketLimit = { capacity: 3, refillPerSecond: 5 };
    const buckets = [new RedisTokenBucket(clientA), new RedisTokenBucket(clientB)];
    let allowed = 0;
    const start = performance.now();
    const worker = async (bucket: RedisTokenBucket) => {
      while (performance.now() - start < 3_000) {
        if ((await bucket.take('shared', limit)).allowed) allowed += 1;
      }
    };
    await Promise.all([...buckets, ...buckets, ...buckets].map(worker));
    const seconds = (performance.now() - start) / 1_000;
    expect(allowed).toBeLessThanOrEqual(3 + Math.ceil(5 * seconds));
    expect(allowed).toBeGreaterThanOrEqual(3 + Math.floor(5 * 3 * 0.6));
  });

  it('charges `cost` tokens per call', async () => {
    const sut = new RedisTokenBucket(clientA);
    const limit = { capacity: 10, refillPerSecond: 0.01 };
    expect(await sut.take('cost', { ...limit, cost: 4 })).toMatchObject({ allowed: true, remaining: 6 });
    expect(await sut.take('cost', { ...limit, cost: 4 })).toMatchObject({ allowed: true, remaining: 2 });
    expect(await sut.take('cost', { ...limit, cost: 4 })).toMatchObject({ allowed: false, remaining: 2 });
    expect(await sut.take('cost', { ...limit, cost: 2 })).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('lets an idle bucket vanish once it would be full again', async () => {
    const sut = new RedisTokenBucket(clientA);
    await sut.take('idle', { capacity: 2, refillPerSecond: 20 });
    const key = `${keyPrefix}bucket:idle`;
    const ttl = await raw.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(51);
    await eventually('the idle bucket expires', async () => (await raw.exists(key)) === 0, 2_000);
  });

  it('waitForToken sleeps until a token is refilled', async () => {
    const sut = new RedisTokenBucket(clientA);
    const limit = { capacity: 1, refillPerSecond: 5 };
    await sut.take('wait', limit);
    expect((await sut.take('wait', limit)).allowed).toBe(false);
    const { ms, result } = await timed(sut.waitForToken('wait', limit, { timeoutMs: 5_000 }));
    expect(result).toMatchObject({ status: 'fulfilled', value: { allowed: true } });
    expect(ms).toBeLessThan(2_000);
  });

  it('waitForToken gives up with RATE_LIMITED at once when the next token comes after the deadline', async () => {
    const sut = new RedisTokenBucket(clientA);
    const limit = { capacity: 1, refillPerSecond: 0.1 };
    await sut.take('deadline', limit);
    const { ms, result } = await timed(sut.waitForToken('deadline', limit, { timeoutMs: 1_000 }));
    expect(result.status).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason as StateError;
    expect(error).toBeInstanceOf(StateError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', disposition: 'not-ready' });
    expect(error.retryAfterMs).toBeGreaterThan(1_000);
    expect(ms).toBeLessThan(1_000);
  });

  it('waitForToken stops waiting when its signal aborts, rejecting with the reason', async () => {
    const sut = new RedisTokenBucket(clientA);
    const limit = { capacity: 1, refillPerSecond: 0.2 };
    await sut.take('abort', limit);
    const controller = new AbortController();
    const reason = new Error('shutting down');
    setTimeout(() => controller.abort(reason), 100);
    const { ms, result } = await timed(sut.waitForToken('abort', limit, { timeoutMs: 30_000, signal: controller.signal }));
    expect(result).toEqual({ status: 'rejected', reason });
    expect(ms).toBeLessThan(2_000);
  });
});
