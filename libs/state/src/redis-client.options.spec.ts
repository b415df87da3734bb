import { describe, expect, it } from 'vitest';
import { buildConnectionSettings, reconnectDelayMs } from './redis-client.options.js';
import { StateError } from './state.error.js';

function expectInvalid(build: () => unknown, secret?: string): StateError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(StateError);
    const stateError = error as StateError;
    expect(stateError.code).toBe('STATE_INVALID_ARGUMENT');
    expect(stateError.disposition).toBe('permanent');
    if (secret) expect(`${stateError.message} ${String(stateError.cause)}`).not.toContain(secret);
    return stateError;
  }
  throw new Error('expected buildConnectionSettings to throw');
}

describe('buildConnectionSettings', () => {
  it('takes host, port, database and percent-decoded credentials from the URL', () => {
    const sut = buildConnectionSettings({ url: 'redis://svc%40team:p%3Ass%2Fw@cache.internal:6380/3' });
    expect(sut.ioredis).toMatchObject({ host: 'cache.internal', port: 6380, db: 3, username: 'svc@team', password: 'p:ss/w' });
    expect(sut.ioredis.tls).toBeUndefined();
    expect(sut.target).toBe('cache.internal:6380/3');
    expect(sut.secrets).toEqual(expect.arrayContaining(['p:ss/w', 'p%3Ass%2Fw']));
  });

  it('defaults to port 6379, database 0, no credentials, and unwraps IPv6 hosts', () => {
    const sut = buildConnectionSettings({ url: 'redis://[::1]' });
    expect(sut.ioredis).toMatchObject({ host: '::1', port: 6379, db: 0 });
    expect(sut.ioredis.username).toBeUndefined();
    expect(sut.ioredis.password).toBeUndefined();
  });

  it('chooses fail-fast settings: short timeouts, no offline queue, no resend, auto-pipelining', () => {
    const sut = buildConnectionSettings({ url: 'redis://localhost', keyPrefix: 'pc:' });
    expect(sut.ioredis).toMatchObject({
      connectTimeout: 2_000,
      commandTimeout: 1_000,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      enableAutoPipelining: true,
      keyPrefix: 'pc:',
    });
    expect(sut.commandTimeoutMs).toBe(1_000);
  });

  it('keeps reconnecting forever so a returning Redis is used without a new client', () => {
    const { retryStrategy } = buildConnectionSettings({ url: 'redis://localhost', maxReconnectDelayMs: 500 }).ioredis;
    for (let attempt = 1; attempt <= 1_000; attempt++) {
      const delay = retryStrategy?.(attempt);
      expect(typeof delay).toBe('number');
      expect(delay).toBeLessThan(500 + 100);
    }
  });

  it('reconnects only on READONLY replies, which mean a failover happened', () => {
    const { reconnectOnError } = buildConnectionSettings({ url: 'redis://localhost' }).ioredis;
    expect(reconnectOnError?.(new Error("READONLY You can't write against a read only replica."))).toBe(true);
    expect(reconnectOnError?.(new Error('WRONGTYPE Operation against a key'))).toBe(false);
  });

  it('enables TLS for rediss:// and reads the CA, certificate and key files once', () => {
    const files: Record<string, string> = { '/ca.pem': 'CA', '/cert.pem': 'CERT', '/key.pem': 'KEY' };
    const read = (path: string) => Buffer.from(files[path] ?? '');
    const sut = buildConnectionSettings(
      { url: 'rediss://cache:6380', tls: { caFile: '/ca.pem', certFile: '/cert.pem', keyFile: '/key.pem', servername: 'redis.svc' } },
      read,
    );
    expect(sut.ioredis.tls).toMatchObject({ servername: 'redis.svc' });
    expect(String(sut.ioredis.tls?.ca)).toBe('CA');
    expect(String(sut.ioredis.tls?.cert)).toBe('CERT');
    expect(String(sut.ioredis.tls?.key)).toBe('KEY');
    expect(buildConnectionSettings({ url: 'rediss://cache' }).ioredis.tls).toEqual({});
  });

  it('names an unreadable TLS file in a permanent error', () => {
    const missing = (): Buffer => {
      throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    };
    const error = expectInvalid(() => buildConnectionSettings({ url: 'redis://cache', tls: { caFile: '/etc/ca.pem' } }, missing));
    expect(error.message).toContain('/etc/ca.pem');
  });

  it('rejects unusable URLs without ever quoting them', () => {
    expectInvalid(() => buildConnectionSettings({ url: 'redis://u:topsecret@host:99999' }), 'topsecret');
    expectInvalid(() => buildConnectionSettings({ url: 'http://u:topsecret@host' }), 'topsecret');
    expectInvalid(() => buildConnectionSettings({ url: 'redis://u:topsecret@host/db-one' }), 'topsecret');
    expectInvalid(() => buildConnectionSettings({ url: 'redis://u:top%E0secret@host' }), 'top%E0secret');
    expectInvalid(() => buildConnectionSettings({ url: 'topsecret' }), 'topsecret');
  });

  it('rejects timeouts that are not positive integers', () => {
    expectInvalid(() => buildConnectionSettings({ url: 'redis://h', commandTimeoutMs: 0 }));
    expectInvalid(() => buildConnectionSettings({ url: 'redis://h', connectTimeoutMs: 1.5 }));
    expectInvalid(() => buildConnectionSettings({ url: 'redis://h', maxReconnectDelayMs: -1 }));
  });
});

describe('reconnectDelayMs', () => {
  it('doubles from 100 ms up to the cap, plus jitter below 100 ms', () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 5, 6].map((attempt) => reconnectDelayMs(attempt, 2_000, noJitter))).toEqual([100, 200, 400, 800, 1_600, 2_000]);
    expect(reconnectDelayMs(1_000, 2_000, noJitter)).toBe(2_000);
    expect(reconnectDelayMs(1, 2_000, () => 0.999)).toBe(199);
  });
});
