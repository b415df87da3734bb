import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PrivateRedisServer, freePort } from '../test/private-redis.server.js';
import { eventually, timed } from '../test/redis-test.env.js';
import { type StateLogger } from './redis-client.options.js';
import { RedisFencingLock } from './redis-fencing.lock.js';
import { RedisIdempotencyStore } from './redis-idempotency.store.js';
import { createRedisClient, type StateClient } from './redis-state.client.js';
import { RedisTokenBucket } from './redis-token.bucket.js';
import { StateError } from './state.error.js';

// Outages are staged on private redis-servers (or a port where nothing listens), never on the
// shared stack, so other test files keep their Redis.

const OUTAGE_BOUND_MS = 5_000;
const PING_BOUND_MS = 2_000;
const clients: StateClient[] = [];

function recordingLogger(): StateLogger & { lines: { level: string; obj: object; msg?: string }[] } {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, ...(msg === undefined ? {} : { msg }) }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, ...(msg === undefined ? {} : { msg }) }),
  };
}

function client(url: string, logger?: StateLogger): StateClient {
  const created = createRedisClient({ url, keyPrefix: 'outage-test:', ...(logger ? { logger } : {}) });
  clients.push(created);
  return created;
}

async function expectStateErrorWithin(promise: Promise<unknown>, codes: string[]): Promise<StateError> {
  const { ms, result } = await timed(promise);
  expect(ms).toBeLessThan(OUTAGE_BOUND_MS);
  expect(result.status).toBe('rejected');
  const error = (result as PromiseRejectedResult).reason as unknown;
  expect(error).toBeInstanceOf(StateError);
  expect(codes).toContain((error as StateError).code);
  expect((error as StateError).disposition).toBe('retry');
  return error as StateError;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('a client pointed at a port where nothing listens', () => {
  it('rejects commands with STATE_UNAVAILABLE quickly, without the password in the message', async () => {
    const password = 'n0body-h0me-s3cret';
    const sut = client(`redis://svc:${password}@127.0.0.1:${await freePort()}`);
    const store = new RedisIdempotencyStore(sut);

    const error = await expectStateErrorWithin(store.findProcessed(['a']), ['STATE_UNAVAILABLE']);
    expect(error.message).toContain('ECONNREFUSED');
    expect(`${error.message} ${String(error.cause)} ${error.stack}`).not.toContain(password);
    await expectStateErrorWithin(new RedisFencingLock(sut).acquire('x', 1_000), ['STATE_UNAVAILABLE']);
    await expectStateErrorWithin(new RedisTokenBucket(sut).take('b', { capacity: 1, refillPerSecond: 1 }), ['STATE_UNAVAILABLE']);
    expect(sut.status).not.toBe('ready');
  });

  it('answers ping() with false instead of hanging', async () => {
    const sut = client(`redis://127.0.0.1:${await freePort()}`);
    const { ms, result } = await timed(sut.ping());
    expect(result).toEqual({ status: 'fulfilled', value: false });
    expect(ms).toBeLessThan(PING_BOUND_MS);
  });
});

describe('a client whose Redis dies and comes back', () => {
  let server: PrivateRedisServer;

  beforeAll(async () => {
    server = await PrivateRedisServer.start();
  });
  afterAll(async () => {
    await server.kill();
  });

  it('fails fast while Redis is gone and works again, as the same client, once it is back', async () => {
    const logger = recordingLogger();
    const sut = client(server.url(), logger);
    const store = new RedisIdempotencyStore(sut);
    const lock = new RedisFencingLock(sut);
    await store.markProcessed(['before'], 60_000);
    expect(await store.findProcessed(['before'])).toEqual(new Set(['before']));
    expect(await sut.ping()).toBe(true);

    await server.kill();

    await expectStateErrorWithin(store.tryClaim('during', 60_000), ['STATE_UNAVAILABLE', 'STATE_TIMEOUT']);
    await expectStateErrorWithin(store.findProcessed(['before']), ['STATE_UNAVAILABLE', 'STATE_TIMEOUT']);
    await expectStateErrorWithin(lock.acquire('deploy', 5_000), ['STATE_UNAVAILABLE', 'STATE_TIMEOUT']);
    const ping = await timed(sut.ping());
    expect(ping.result).toEqual({ status: 'fulfilled', value: false });
    expect(ping.ms).toBeLessThan(PING_BOUND_MS);
    expect(sut.status).toBe('reconnecting');

    await server.restart();

    await eventually('the client reconnects by itself', () => sut.ping());
    expect(sut.status).toBe('ready');
    // The restarted server lost its data (no persistence); the claim made during the outage
    // never reached it, so it is free now.
    expect(await store.findProcessed(['before'])).toEqual(new Set());
    expect(await store.tryClaim('during', 60_000)).toBe(true);
    expect(await lock.acquire('deploy', 5_000)).not.toBeNull();
    // One line per outage and one per recovery, however many reconnect attempts failed between.
    expect(logger.lines.map((line) => line.level)).toEqual(['warn', 'info']);
  });

  it('does not run a command after Redis returns when its caller was already told it failed', async () => {
    const sut = client(server.url());
    const store = new RedisIdempotencyStore(sut, { namespace: 'ghost' });
    await eventually('connected', () => sut.ping());
    await server.kill();

    await expectStateErrorWithin(store.tryClaim('delivery-1', 60_000), ['STATE_UNAVAILABLE', 'STATE_TIMEOUT']);

    await server.restart();
    await eventually('the client reconnects by itself', () => sut.ping());
    // A queued-and-replayed SET NX would hold this claim now and drop the sender's retry.
    expect(await store.tryClaim('delivery-1', 60_000)).toBe(true);
  });
});

describe('a client whose Redis hangs without closing the connection', () => {
  let server: PrivateRedisServer;

  beforeAll(async () => {
    server = await PrivateRedisServer.start();
  });
  afterAll(async () => {
    server.resume();
    await server.kill();
  });

  it('times commands out instead of waiting on the open socket, and recovers after the hang', async () => {
    const sut = client(server.url());
    const store = new RedisIdempotencyStore(sut);
    await eventually('connected', () => sut.ping());

    server.pause();
    try {
      await expectStateErrorWithin(store.findProcessed(['a']), ['STATE_TIMEOUT', 'STATE_UNAVAILABLE']);
      const ping = await timed(sut.ping());
      expect(ping.result).toEqual({ status: 'fulfilled', value: false });
      expect(ping.ms).toBeLessThan(PING_BOUND_MS);
    } finally {
      server.resume();
    }

    await eventually('the client answers again', () => sut.ping());
    expect(await store.tryClaim('after-hang', 10_000)).toBe(true);
  });
});

describe('a client with wrong credentials', () => {
  let server: PrivateRedisServer;

  beforeAll(async () => {
    server = await PrivateRedisServer.start(['--requirepass', 'the-right-one']);
  });
  afterAll(async () => {
    await server.kill();
  });

  it('reports STATE_AUTH_FAILED without the password it tried', async () => {
    const wrong = 'wr0ng-p4ssw0rd-value';
    const logger = recordingLogger();
    const sut = client(server.url(`:${wrong}`), logger);
    const error = await expectStateErrorWithin(new RedisIdempotencyStore(sut).findProcessed(['a']), ['STATE_AUTH_FAILED']);
    expect(error.message).toMatch(/WRONGPASS|NOAUTH/);
    expect(`${error.message} ${String(error.cause)} ${error.stack}`).not.toContain(wrong);
    expect(await sut.ping()).toBe(false);
    expect(logger.lines).toHaveLength(1);
    expect(JSON.stringify(logger.lines)).toMatch(/WRONGPASS|NOAUTH/);
    expect(JSON.stringify(logger.lines)).not.toContain(wrong);
  });

  it('connects with the right password taken from the URL', async () => {
    const sut = client(server.url(':the-right-one'));
    await eventually('authenticated', () => sut.ping());
    expect(await new RedisIdempotencyStore(sut).tryClaim('k', 10_000)).toBe(true);
  });
});

describe('close()', () => {
  let server: PrivateRedisServer;

  beforeAll(async () => {
    server = await PrivateRedisServer.start();
  });
  afterAll(async () => {
    await server.kill();
  });

  it('makes later commands fail with STATE_CLOSED and ping() false, and may be called twice', async () => {
    const sut = client(server.url());
    await eventually('connected', () => sut.ping());
    await sut.close();
    await sut.close();
    expect(sut.status).toBe('closed');
    expect(await sut.ping()).toBe(false);
    await expectStateErrorWithin(new RedisIdempotencyStore(sut).findProcessed(['a']), ['STATE_CLOSED']);
  });

  it('wakes commands waiting for a reconnect instead of leaving them hanging', async () => {
    const sut = client(`redis://127.0.0.1:${await freePort()}`);
    const pending = new RedisIdempotencyStore(sut).findProcessed(['a']);
    await sut.close();
    await expectStateErrorWithin(pending, ['STATE_CLOSED']);
  });
});
