import { stackEnv, uniquePrefix } from '@portcullis/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisRecordStore } from './redis-record.store.js';
import { createRedisClient } from './redis-state.client.js';
import { StateError } from './state.error.js';

const client = createRedisClient({ url: stackEnv().redisUrl, keyPrefix: uniquePrefix('records') });
afterAll(() => client.close());

describe('RedisRecordStore', () => {
  it('round-trips a record and forgets it after its TTL', async () => {
    const sut = new RedisRecordStore<{ outcome: string; attempts: number }>(client, { namespace: 'delivery' });
    await sut.put('d-1', { outcome: 'accepted', attempts: 2 }, 300);
    expect(await sut.get('d-1')).toEqual({ outcome: 'accepted', attempts: 2 });
    expect(await sut.get('d-2')).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await sut.get('d-1')).toBeUndefined();
  });

  it('refuses a record larger than its bound instead of storing it', async () => {
    const sut = new RedisRecordStore<string>(client, { namespace: 'big', maxBytes: 100 });
    await expect(sut.put('k', 'x'.repeat(200), 60_000)).rejects.toBeInstanceOf(StateError);
    expect(await sut.get('k')).toBeUndefined();
  });
});
