import { setTimeout as sleep } from 'node:timers/promises';
import { LuaScript } from './lua-script.js';
import { redisStateClientOf, type RedisStateClient, type StateClient } from './redis-state.client.js';
import { StateError } from './state.error.js';

/**
 * The limit of one bucket. It belongs to the bucket key: every caller of a key must pass the same
 * limit (take it from configuration), or the callers fight over the refill rate.
 */
export interface TokenBucketLimit {
  /** Most tokens the bucket holds: the burst allowed after the bucket sat idle. */
  capacity: number;
  /** Tokens added per second: the sustained rate. May be fractional (0.5 = one per two seconds). */
  refillPerSecond: number;
  /** Tokens this call needs. Default 1; must not exceed capacity. */
  cost?: number;
}

/** Outcome of one `take`. */
export interface TakeResult {
  /** True when the tokens were taken and the caller may go ahead. */
  allowed: boolean;
  /** Whole tokens left after this call. */
  remaining: number;
  /** When not allowed: ms until enough tokens will have been refilled. 0 when allowed. */
  retryAfterMs: number;
}

/** Bounds for `waitForToken`. The earlier of `deadline` and `timeoutMs` applies. */
export interface WaitForTokenOptions {
  /** Give up after waiting this long. Default 30 000 when no deadline is given. */
  timeoutMs?: number;
  /** Give up at this epoch ms. */
  deadline?: number;
  /** Stops waiting at once; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of a RedisTokenBucket. */
export interface TokenBucketOptions {
  /** Key namespace below the client's keyPrefix. Default `bucket`. */
  namespace?: string;
}

const DEFAULT_WAIT_TIMEOUT_MS = 30_000;
const MAX_JITTER_MS = 50;

// KEYS[1] bucket hash {tokens, ts (µs)}. ARGV[1] capacity, ARGV[2] refill per second, ARGV[3] cost.
// Returns {allowed 0|1, whole tokens left, retry after ms}.
// Time comes from the Redis server so instances with skewed clocks share one timeline. The key
// expires when the bucket would be full again: a missing key then means exactly "full".
const TAKE = new LuaScript(`
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = redis.call('TIME')
local nowUs = tonumber(now[1]) * 1000000 + tonumber(now[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
elseif nowUs > ts then
  tokens = tokens + (nowUs - ts) * rate / 1000000
end
if tokens > capacity then
  tokens = capacity
end
local allowed = 0
local retryAfterMs = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retryAfterMs = math.ceil((cost - tokens) * 1000 / rate)
end
local ttl = math.min(math.ceil((capacity - tokens) * 1000 / rate) + 1, 1000000000000)
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.0f', nowUs))
redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl))
return {allowed, math.floor(tokens), retryAfterMs}
`);

/**
 * A token bucket shared by every instance through Redis: `capacity` calls at once, then
 * `refillPerSecond` on average, never more in any window. Guards shared quotas (Slack's ~1 message
 * per second per channel, registry and provider API limits).
 */
export class RedisTokenBucket {
  readonly #client: RedisStateClient;
  readonly #namespace: string;

  constructor(client: StateClient, options: TokenBucketOptions = {}) {
    this.#client = redisStateClientOf(client);
    this.#namespace = options.namespace ?? 'bucket';
  }

  /** Takes `cost` tokens if the bucket has them. One script call, atomic across instances. */
  async take(bucketKey: string, limit: TokenBucketLimit): Promise<TakeResult> {
    const { capacity, refillPerSecond, cost } = normalizeLimit(limit);
    const reply = await this.#client.run('bucket.take', (redis) =>
      TAKE.run(redis, [`${this.#namespace}:${bucketKey}`], [capacity, refillPerSecond, cost]),
    );
    const [allowed, remaining, retryAfterMs] = (reply as [number, number, number]).map(Number) as [number, number, number];
    return { allowed: allowed === 1, remaining, retryAfterMs };
  }

  /**
   * Takes tokens, sleeping `retryAfterMs` between attempts. Rejects with RATE_LIMITED (not-ready,
   * with retryAfterMs) as soon as the next token would come after the deadline, instead of
   * sleeping in vain; with the signal's reason when aborted.
   */
  async waitForToken(bucketKey: string, limit: TokenBucketLimit, options: WaitForTokenOptions = {}): Promise<TakeResult> {
    const { signal } = options;
    const bounds = [options.deadline, options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs];
    const given = bounds.filter((bound): bound is number => bound !== undefined);
    const deadline = given.length > 0 ? Math.min(...given) : Date.now() + DEFAULT_WAIT_TIMEOUT_MS;
    for (;;) {
      signal?.throwIfAborted();
      const result = await this.take(bucketKey, limit);
      if (result.allowed) return result;
      if (Date.now() + result.retryAfterMs > deadline) {
        throw new StateError({
          code: 'RATE_LIMITED',
          // Waiting for quota is not a failure of the message: re-schedule without using up an attempt.
          disposition: 'not-ready',
          message: `token bucket ${bucketKey} has no token before the deadline; next in ${result.retryAfterMs} ms`,
          retryAfterMs: result.retryAfterMs,
        });
      }
      // Jitter spreads waiters of several instances that would otherwise all wake on the same ms.
      const jitter = Math.floor(Math.random() * Math.min(MAX_JITTER_MS, result.retryAfterMs / 4));
      try {
        await sleep(result.retryAfterMs + jitter, undefined, signal ? { signal } : {});
      } catch (error) {
        signal?.throwIfAborted();
        throw error;
      }
    }
  }
}

/** Validates a limit and fills in the default cost. Exported for tests. */
export function normalizeLimit(limit: TokenBucketLimit): Required<TokenBucketLimit> {
  const { capacity, refillPerSecond, cost = 1 } = limit;
  const invalid = (message: string) =>
    new StateError({ code: 'STATE_INVALID_ARGUMENT', disposition: 'permanent', message: `token bucket: ${message}` });
  if (!Number.isFinite(capacity) || capacity <= 0) throw invalid(`capacity must be a positive number, got ${capacity}`);
  if (!Number.isFinite(refillPerSecond) || refillPerSecond <= 0) {
    throw invalid(`refillPerSecond must be a positive number, got ${refillPerSecond}`);
  }
  if (!Number.isFinite(cost) || cost <= 0) throw invalid(`cost must be a positive number, got ${cost}`);
  // Such a call could never be allowed and would wait forever.
  if (cost > capacity) throw invalid(`cost ${cost} exceeds capacity ${capacity}`);
  return { capacity, refillPerSecond, cost };
}
