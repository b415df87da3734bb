import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LockLeaseKeeper, type LockLease } from './lock-lease.keeper.js';
import { LuaScript } from './lua-script.js';
import { redisStateClientOf, type RedisStateClient, type StateClient } from './redis-state.client.js';
import { StateError } from './state.error.js';

/** Options of a RedisFencingLock. */
export interface FencingLockOptions {
  /** Identifies this holder in lock values and leases. Default `<hostname>/<pid>/<random>`. */
  ownerId?: string;
  /** Key namespace below the client's keyPrefix. Default `lock`. */
  namespace?: string;
}

// KEYS[1] lock, KEYS[2] fence counter (never expires). ARGV[1] owner id, ARGV[2] ttl ms.
// Returns {token as a decimal string, 0} when acquired, {"0", pttl of the holder} when busy.
// The token is the counter plus one, but never below the server clock in µs: if Redis loses the
// counter (restart without persistence, eviction, failover to a lagging replica), new tokens
// still exceed every token issued before, unless the server clock runs backwards. µs because
// one script run takes longer than that, so two acquisitions never read the same clock value.
// Numbers are formatted with %.0f: Lua's tostring would print 16-digit values in exponent form.
const ACQUIRE = new LuaScript(`
local pttl = redis.call('PTTL', KEYS[1])
if pttl ~= -2 then
  return {'0', pttl}
end
local now = redis.call('TIME')
local nowUs = tonumber(now[1]) * 1000000 + tonumber(now[2])
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local token
if last < nowUs then
  token = string.format('%.0f', nowUs)
  redis.call('SET', KEYS[2], token)
else
  token = string.format('%.0f', redis.call('INCR', KEYS[2]))
end
redis.call('SET', KEYS[1], token .. ':' .. ARGV[1], 'PX', ARGV[2])
return {token, 0}
`);

// KEYS[1] lock. ARGV[1] expected value "token:owner", ARGV[2] ttl ms. 1 = extended, 0 = lost.
const EXTEND = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`);

// KEYS[1] lock. ARGV[1] expected value "token:owner". 1 = released, 0 = not ours any more.
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/**
 * A lock with fencing tokens (Kleppmann, "How to do distributed locking"). A lease can outlive its
 * holder's belief in it (GC pause, network stall); the token lets the protected resource refuse
 * the late write. Single Redis only: no Redlock quorum, because fencing, not quorum, is what makes
 * a lease safe, and ARCHITECTURE §3 runs one Redis.
 */
export class RedisFencingLock {
  /** Owner id written into every lease this instance acquires. */
  readonly ownerId: string;
  readonly #client: RedisStateClient;
  readonly #namespace: string;

  constructor(client: StateClient, options: FencingLockOptions = {}) {
    this.#client = redisStateClientOf(client);
    this.ownerId = options.ownerId ?? `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
    this.#namespace = options.namespace ?? 'lock';
  }

  /** Takes the lock for ttlMs if nobody holds it. Atomic: one script does INCR and SET NX PX. */
  async acquire(name: string, ttlMs: number): Promise<LockLease | null> {
    const attempt = await this.#tryAcquire(name, ttlMs);
    return 'lease' in attempt ? attempt.lease : null;
  }

  /** Extends a held lease to ttlMs from now. Throws LOCK_LOST when it expired or changed hands. */
  async extend(lease: LockLease, ttlMs: number): Promise<LockLease> {
    const ttl = validTtl(ttlMs);
    const startedAt = Date.now();
    const reply = await this.#client.run('lock.extend', (redis) =>
      EXTEND.run(redis, [this.#lockKey(lease.name)], [lockValue(lease), ttl]),
    );
    if (Number(reply) !== 1) {
      throw new StateError({
        code: 'LOCK_LOST',
        disposition: 'retry',
        message: `lock ${lease.name} (token ${lease.token}) expired or is held by another owner`,
      });
    }
    return { ...lease, expiresAt: startedAt + ttl };
  }

  /** Releases a held lease. False when it was already lost; never deletes another owner's lease. */
  async release(lease: LockLease): Promise<boolean> {
    const reply = await this.#client.run('lock.release', (redis) =>
      RELEASE.run(redis, [this.#lockKey(lease.name)], [lockValue(lease)]),
    );
    return Number(reply) === 1;
  }

  /**
   * True while `token` is the lease currently held on `name`. A point-in-time check: a resource
   * that must never accept a stale write stores the highest token it has seen and compares in the
   * same atomic step as the write.
   */
  async isCurrent(name: string, token: number): Promise<boolean> {
    const value = await this.#client.run('lock.isCurrent', (redis) => redis.get(this.#lockKey(validName(name))));
    return value !== null && value.startsWith(`${token}:`);
  }

  /**
   * Runs fn while holding the lock, extending the lease every ttl/3. If the lease is lost anyway,
   * `signal` aborts and withLock rejects with LOCK_LOST even if fn finished, because its work ran
   * partly unprotected. Throws LOCK_BUSY (not-ready, retryAfterMs = holder's remaining TTL) when
   * another owner holds the lock. The lease is released afterwards; if that fails it expires.
   */
  async withLock<T>(name: string, ttlMs: number, fn: (lease: LockLease, signal: AbortSignal) => Promise<T>): Promise<T> {
    const attempt = await this.#tryAcquire(name, ttlMs);
    if (!('lease' in attempt)) {
      throw new StateError({
        code: 'LOCK_BUSY',
        disposition: 'not-ready',
        message: `lock ${name} is held by another owner`,
        ...(attempt.retryAfterMs === undefined ? {} : { retryAfterMs: attempt.retryAfterMs }),
      });
    }
    const keeper = new LockLeaseKeeper({ lease: attempt.lease, ttlMs, extend: (lease) => this.extend(lease, ttlMs) });
    keeper.start();
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await fn(attempt.lease, keeper.signal) };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      keeper.stop();
    }
    // Also after a loss: if the keeper gave up because Redis was unreachable, the key may still be
    // ours, and releasing it lets the next owner in before the TTL runs out.
    await this.release(keeper.lease).catch(() => false);
    if (keeper.lostReason) throw keeper.lostReason;
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  async #tryAcquire(name: string, ttlMs: number): Promise<{ lease: LockLease } | { retryAfterMs: number | undefined }> {
    const ttl = validTtl(ttlMs);
    const key = this.#lockKey(validName(name));
    const startedAt = Date.now();
    const reply = await this.#client.run('lock.acquire', (redis) =>
      ACQUIRE.run(redis, [key, `${key}:fence`], [this.ownerId, ttl]),
    );
    const [token, holderTtl] = (reply as [string, number]).map(Number) as [number, number];
    if (token > 0) return { lease: { name, token, ownerId: this.ownerId, expiresAt: startedAt + ttl } };
    return { retryAfterMs: holderTtl > 0 ? holderTtl : undefined };
  }

  // The hash tag keeps a lock and its fence counter in one cluster slot, as the script needs.
  #lockKey(name: string): string {
    return `${this.#namespace}:{${name}}`;
  }
}

function lockValue(lease: LockLease): string {
  return `${lease.token}:${lease.ownerId}`;
}

function validName(name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new StateError({ code: 'STATE_INVALID_ARGUMENT', disposition: 'permanent', message: 'lock name must be a non-empty string' });
  }
  return name;
}

function validTtl(ttlMs: number): number {
  if (!Number.isInteger(ttlMs) || ttlMs < 1) {
    throw new StateError({
      code: 'STATE_INVALID_ARGUMENT',
      disposition: 'permanent',
      message: `lock ttlMs must be a positive integer, got ${ttlMs}`,
    });
  }
  return ttlMs;
}
