import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix, eventually, requireRedisUrl, uniquePrefix } from '../test/redis-test.env.js';
import { type LockLease } from './lock-lease.keeper.js';
import { RedisFencingLock } from './redis-fencing.lock.js';
import { createRedisClient, type StateClient } from './redis-state.client.js';
import { StateError } from './state.error.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisFencingLock against Redis', () => {
  const keyPrefix = uniquePrefix('fencing-lock');
  let clientA: StateClient;
  let clientB: StateClient;
  let raw: Redis;
  let a: RedisFencingLock;
  let b: RedisFencingLock;

  beforeAll(() => {
    const url = requireRedisUrl();
    clientA = createRedisClient({ url, keyPrefix });
    clientB = createRedisClient({ url, keyPrefix });
    raw = new Redis(url);
    a = new RedisFencingLock(clientA, { ownerId: 'instance-a' });
    b = new RedisFencingLock(clientB, { ownerId: 'instance-b' });
  });
  afterAll(async () => {
    if (raw) await deleteByPrefix(raw, keyPrefix);
    await Promise.all([clientA?.close(), clientB?.close(), raw?.quit()]);
  });

  it('gives the lock to one owner at a time', async () => {
    const lease = await a.acquire('exclusive', 10_000);
    expect(lease).toMatchObject({ name: 'exclusive', ownerId: 'instance-a' });
    expect(await b.acquire('exclusive', 10_000)).toBeNull();
    expect(await a.acquire('exclusive', 10_000)).toBeNull();
    expect(await a.release(lease!)).toBe(true);
    expect(await b.acquire('exclusive', 10_000)).not.toBeNull();
  });

  it('lets exactly one of many concurrent acquirers on two clients win', async () => {
    const attempts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).acquire('contended', 10_000)));
    expect(attempts.filter((lease) => lease !== null)).toHaveLength(1);
  });

  it('issues strictly increasing fencing tokens per name, whoever acquires', async () => {
    const tokens: number[] = [];
    for (let i = 0; i < 6; i++) {
      const lease = await (i % 2 ? a : b).acquire('tokens', 10_000);
      tokens.push(lease!.token);
      await (i % 2 ? a : b).release(lease!);
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1]!);
    expect(Number.isSafeInteger(tokens.at(-1))).toBe(true);
  });

  it('keeps tokens increasing when Redis lost the fence counter', async () => {
    const before = await a.acquire('wiped', 10_000);
    await a.release(before!);
    // What a Redis restart without persistence does to the counter.
    await raw.del(`${keyPrefix}lock:{wiped}:fence`);
    const after = await b.acquire('wiped', 10_000);
    expect(after!.token).toBeGreaterThan(before!.token);
  });

  it('lets another owner in after the lease expires, and the stale lease can neither release nor extend', async () => {
    const stale = (await a.acquire('expiring', 200))!;
    expect(await b.acquire('expiring', 10_000)).toBeNull();
    let fresh: LockLease | null = null;
    await eventually('the lease expires and B acquires', async () => (fresh = await b.acquire('expiring', 10_000)) !== null, 5_000);
    const current = fresh as unknown as LockLease;
    expect(current.token).toBeGreaterThan(stale.token);

    expect(await a.release(stale)).toBe(false);
    await expect(a.extend(stale, 10_000)).rejects.toMatchObject({ code: 'LOCK_LOST', disposition: 'retry' });
    expect(await a.isCurrent('expiring', stale.token)).toBe(false);
    expect(await a.isCurrent('expiring', current.token)).toBe(true);
    // B's lease survived A's attempts.
    expect(await b.acquire('expiring', 10_000)).toBeNull();
    expect(await b.release(current)).toBe(true);
    expect(await a.isCurrent('expiring', current.token)).toBe(false);
  });

  it('extends a held lease past its original TTL', async () => {
    const lease = (await a.acquire('extended', 300))!;
    const extended = await a.extend(lease, 10_000);
    expect(extended.token).toBe(lease.token);
    expect(extended.expiresAt).toBeGreaterThan(lease.expiresAt);
    await sleep(600);
    expect(await b.acquire('extended', 10_000)).toBeNull();
    expect(await a.release(extended)).toBe(true);
  });

  it('withLock keeps extending while a slow fn outlives the TTL, then releases', async () => {
    const ttlMs = 300;
    let contenderGotIn = false;
    const result = await a.withLock('slow', ttlMs, async (lease, signal) => {
      for (let i = 0; i < 6; i++) {
        await sleep(200);
        if ((await b.acquire('slow', 10_000)) !== null) contenderGotIn = true;
      }
      expect(signal.aborted).toBe(false);
      expect(await a.isCurrent('slow', lease.token)).toBe(true);
      return 'done';
    });
    expect(result).toBe('done');
    expect(contenderGotIn).toBe(false);
    expect(await b.acquire('slow', 10_000)).not.toBeNull();
  });

  it('withLock aborts the signal and rejects with LOCK_LOST when the lease is taken over', async () => {
    let abortedWith: unknown;
    const outcome = a.withLock('stolen', 600, async (_lease, signal) => {
      // Another owner takes over, as if A's lease had expired during a pause.
      await raw.del(`${keyPrefix}lock:{stolen}`);
      expect(await b.acquire('stolen', 10_000)).not.toBeNull();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      abortedWith = signal.reason;
      return 'finished anyway';
    });
    await expect(outcome).rejects.toMatchObject({ code: 'LOCK_LOST' });
    expect(abortedWith).toBeInstanceOf(StateError);
    // The new owner's lease was not released by A's cleanup.
    expect(await a.acquire('stolen', 10_000)).toBeNull();
  });

  it('withLock rejects with LOCK_BUSY (not-ready, with a retry hint) while another owner holds the lock', async () => {
    await b.acquire('busy', 10_000);
    let ran = false;
    const error: unknown = await a
      .withLock('busy', 1_000, async () => {
        ran = true;
      })
      .catch((caught: unknown) => caught);
    expect(ran).toBe(false);
    expect(error).toMatchObject({ code: 'LOCK_BUSY', disposition: 'not-ready' });
    expect((error as StateError).retryAfterMs).toBeGreaterThan(0);
    expect((error as StateError).retryAfterMs).toBeLessThanOrEqual(10_000);
  });

  it('withLock releases the lock when fn throws and passes the error on', async () => {
    const failure = new Error('apply failed');
    await expect(a.withLock('throwing', 10_000, async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(await b.acquire('throwing', 10_000)).not.toBeNull();
  });
});
