import { once } from 'node:events';
import { Redis } from 'ioredis';
import { buildConnectionSettings, type ConnectionSettings, type RedisOptions, type StateLogger } from './redis-client.options.js';
import { describeRedisError, toStateError } from './redis-error.mapper.js';
import { StateError, type StateErrorCode } from './state.error.js';

/** Connection state as a readiness probe or a log line would describe it. */
export type StateClientStatus =
  /** First connection not established yet. */
  | 'connecting'
  /** Connected and accepting commands. */
  | 'ready'
  /** Connection lost; reconnecting with capped backoff, commands fail fast meanwhile. */
  | 'reconnecting'
  /** `close()` was called; every command fails with STATE_CLOSED. */
  | 'closed';

/**
 * A Redis connection shared by the stores of one process (idempotency, locks, token buckets).
 * Create one per process with `createRedisClient` and pass it to each store.
 */
export interface StateClient {
  /** Prefix applied to every key this client touches (may be empty). */
  readonly keyPrefix: string;
  /** Current connection state. */
  readonly status: StateClientStatus;
  /**
   * Health check for /readyz: true when Redis answers PING. Resolves false (never rejects, never
   * hangs) within about a second when Redis is down.
   */
  ping(): Promise<boolean>;
  /** Closes the connection; later commands fail with STATE_CLOSED. Safe to call twice. */
  close(): Promise<void>;
}

const PING_TIMEOUT_CAP_MS = 1_000;

/**
 * Connects to Redis (in the background: this returns at once) with settings that fail fast during
 * an outage and recover by themselves afterwards. Throws STATE_INVALID_ARGUMENT for a bad URL or
 * option; the message never quotes the URL.
 */
export function createRedisClient(options: RedisOptions): StateClient {
  return new RedisStateClient(buildConnectionSettings(options), options.logger);
}

/** The implementation behind StateClient; only the stores of this library see its `run`. */
export class RedisStateClient implements StateClient {
  /** See StateClient.keyPrefix. */
  readonly keyPrefix: string;
  readonly #redis: Redis;
  readonly #settings: ConnectionSettings;
  readonly #logger: StateLogger | undefined;
  readonly #readyWaiters = new Set<(ready: boolean) => void>();
  #closed = false;
  #down = false;
  #lastError: { reason: string; code: StateErrorCode } | undefined;

  constructor(settings: ConnectionSettings, logger: StateLogger | undefined) {
    this.#settings = settings;
    this.#logger = logger;
    this.keyPrefix = settings.ioredis.keyPrefix ?? '';
    this.#redis = new Redis(settings.ioredis);
    // Without an 'error' listener ioredis prints every failed reconnect to stderr, unscrubbed.
    this.#redis.on('error', (error: unknown) => this.#onConnectionError(error));
    this.#redis.on('close', () => this.#onConnectionLost());
    this.#redis.on('ready', () => this.#onReady());
  }

  /** See StateClient.status. */
  get status(): StateClientStatus {
    if (this.#closed) return 'closed';
    switch (this.#redis.status) {
      case 'ready':
        return 'ready';
      case 'wait':
      case 'connecting':
      case 'connect':
        return this.#down ? 'reconnecting' : 'connecting';
      case 'end':
        return 'closed';
      default:
        return 'reconnecting';
    }
  }

  /** See StateClient.ping. */
  async ping(): Promise<boolean> {
    if (this.#closed || this.#redis.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.min(this.#settings.commandTimeoutMs, PING_TIMEOUT_CAP_MS));
    });
    try {
      return (await Promise.race([this.#redis.ping(), timeout])) === 'PONG';
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** See StateClient.close. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const wake of this.#readyWaiters) wake(false);
    this.#readyWaiters.clear();
    if (this.#redis.status === 'ready') {
      // QUIT lets Redis finish replies already in flight; bounded so shutdown never hangs on it.
      await Promise.race([this.#redis.quit().catch(() => undefined), delay(this.#settings.commandTimeoutMs)]);
    }
    if (this.#redis.status !== 'end') {
      const ended = once(this.#redis, 'end').catch(() => undefined);
      this.#redis.disconnect();
      await Promise.race([ended, delay(this.#settings.commandTimeoutMs)]);
    }
  }

  /**
   * Runs one operation against Redis. Waits at most `commandTimeoutMs` for a lost connection to
   * come back (so a short blip costs latency, not a failure), then lets the command itself take
   * at most `commandTimeoutMs`. Every failure becomes a scrubbed StateError.
   */
  async run<T>(operation: string, command: (redis: Redis) => Promise<T>): Promise<T> {
    await this.#whenReady(operation);
    try {
      return await command(this.#redis);
    } catch (error) {
      throw toStateError(error, { operation, secrets: this.#settings.secrets, closedByUs: this.#closed });
    }
  }

  async #whenReady(operation: string): Promise<void> {
    if (!this.#closed && this.#redis.status === 'ready') return;
    const ready =
      !this.#closed &&
      this.#redis.status !== 'end' &&
      (await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => wake(false), this.#settings.commandTimeoutMs);
        const wake = (value: boolean): void => {
          clearTimeout(timer);
          this.#readyWaiters.delete(wake);
          resolve(value);
        };
        this.#readyWaiters.add(wake);
      }));
    if (ready) return;
    if (this.#closed) {
      throw new StateError({ code: 'STATE_CLOSED', disposition: 'retry', message: `redis ${operation} failed (STATE_CLOSED): client closed` });
    }
    const code = this.#lastError?.code === 'STATE_AUTH_FAILED' ? 'STATE_AUTH_FAILED' : 'STATE_UNAVAILABLE';
    throw new StateError({
      code,
      disposition: 'retry',
      message:
        `redis ${operation} failed (${code}): not connected to ${this.#settings.target} ` +
        `within ${this.#settings.commandTimeoutMs} ms; last error: ${this.#lastError?.reason ?? 'none'}`,
    });
  }

  #onConnectionError(error: unknown): void {
    const mapped = toStateError(error, { operation: 'connection', secrets: this.#settings.secrets, closedByUs: this.#closed });
    this.#lastError = { reason: describeRedisError(error, this.#settings.secrets), code: mapped.code };
    this.#onConnectionLost();
  }

  #onConnectionLost(): void {
    if (this.#closed || this.#down) return;
    this.#down = true;
    this.#logger?.warn(
      { target: this.#settings.target, reason: this.#lastError?.reason ?? 'connection closed' },
      'redis connection lost; reconnecting',
    );
  }

  #onReady(): void {
    if (this.#down) this.#logger?.info({ target: this.#settings.target }, 'redis connection restored');
    this.#down = false;
    this.#lastError = undefined;
    for (const wake of this.#readyWaiters) wake(true);
  }
}

/** The implementation behind a StateClient; rejects foreign implementations early and clearly. */
export function redisStateClientOf(client: StateClient): RedisStateClient {
  if (client instanceof RedisStateClient) return client;
  throw new StateError({
    code: 'STATE_INVALID_ARGUMENT',
    disposition: 'permanent',
    message: 'expected a StateClient created by createRedisClient',
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
