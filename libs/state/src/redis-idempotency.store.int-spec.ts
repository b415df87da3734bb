import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix, eventually, requireRedisUrl, uniquePrefix } from '../test/redis-test.env.js';
import { RedisIdempotencyStore } from './redis-idempotency.store.js';
import { createRedisClient, type StateClient } from './redis-state.client.js';
import { StateError } from './state.error.js';

describe('RedisIdempotencyStore against Redis', () => {
  const keyPrefix = uniquePrefix('idempotency');
  let first: StateClient;
  let second: StateClient;
  let raw: Redis;

  beforeAll(() => {
    const url = requireRedisUrl();
    first = createRedisClient({ url, keyPrefix });
    second = createRedisClient({ url, keyPrefix });
    raw = new Redis(url, { lazyConnect: false });
  });
  afterAll(async () => {
    if (raw) await deleteByPrefix(raw, keyPrefix);
    await Promise.all([first?.close(), second?.close(), raw?.quit()]);
  });

  it('reports exactly the keys of a batch that were marked before', async () => {
    const sut = new RedisIdempotencyStore(first);
    expect(await sut.findProcessed(['e1', 'e2', 'e3'])).toEqual(new Set());

    await sut.markProcessed(['e1', 'e3', 'e3'], 60_000);

    expect(await sut.findProcessed(['e1', 'e2', 'e3', 'e1'])).toEqual(new Set(['e1', 'e3']));
    // Another instance sees the same keys.
    expect(await new RedisIdempotencyStore(second).findProcessed(['e1', 'e2'])).toEqual(new Set(['e1']));
  });

  it('handles empty batches and keys with odd characters', async () => {
    const sut = new RedisIdempotencyStore(first);
    const odd = ['scm.events/github/acme/api@3f2a:0 ✓', 'key with spaces', ''];
    expect(await sut.findProcessed([])).toEqual(new Set());
    await sut.markProcessed([], 1_000);
    await sut.markProcessed(odd, 60_000);
    expect(await sut.findProcessed([...odd, 'other'])).toEqual(new Set(odd));
  });

  it('forgets keys once their TTL has passed', async () => {
    const sut = new RedisIdempotencyStore(first);
    await sut.markProcessed(['short-lived'], 150);
    expect(await sut.findProcessed(['short-lived'])).toEqual(new Set(['short-lived']));
    await eventually('the key expires', async () => (await sut.findProcessed(['short-lived'])).size === 0, 5_000);
  });

  it('writes under the client key prefix and the store namespace, with the TTL it was given', async () => {
    await new RedisIdempotencyStore(first, { namespace: 'delivery' }).markProcessed(['d-1'], 60_000);
    const ttl = await raw.pttl(`${keyPrefix}delivery:d-1`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await raw.exists('delivery:d-1')).toBe(0);
  });

  it('keeps namespaces apart', async () => {
    await new RedisIdempotencyStore(first, { namespace: 'one' }).markProcessed(['shared-name'], 60_000);
    expect(await new RedisIdempotencyStore(first, { namespace: 'two' }).findProcessed(['shared-name'])).toEqual(new Set());
  });

  it('lets exactly one of many concurrent claimers on two clients win', async () => {
    const stores = [new RedisIdempotencyStore(first), new RedisIdempotencyStore(second)];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2]!.tryClaim('delivery-42', 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await stores[0]!.findProcessed(['delivery-42'])).toEqual(new Set(['delivery-42']));
  });

  it('frees a claim when it is forgotten or expires', async () => {
    const sut = new RedisIdempotencyStore(first);
    expect(await sut.tryClaim('c-1', 60_000)).toBe(true);
    expect(await sut.tryClaim('c-1', 60_000)).toBe(false);
    await sut.forget(['c-1']);
    expect(await sut.tryClaim('c-1', 60_000)).toBe(true);

    expect(await sut.tryClaim('c-2', 150)).toBe(true);
    await eventually('the claim expires', () => sut.tryClaim('c-2', 60_000), 5_000);
  });

  it('rejects a TTL that is not a positive duration before touching Redis', async () => {
    const sut = new RedisIdempotencyStore(first);
    await expect(sut.markProcessed(['x'], 0)).rejects.toBeInstanceOf(StateError);
    await expect(sut.tryClaim('x', Number.NaN)).rejects.toMatchObject({ code: 'STATE_INVALID_ARGUMENT' });
    expect(await sut.findProcessed(['x'])).toEqual(new Set());
  });
});
