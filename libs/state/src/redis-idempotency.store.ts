import { redisStateClientOf, type RedisStateClient, type StateClient } from './redis-state.client.js';
import { LuaScript } from './lua-script.js';
import { StateError } from './state.error.js';

const MARK_PROCESSED = new LuaScript(`
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], '1', 'PX', ARGV[1])
end
return #KEYS
`);

/** Where a RedisIdempotencyStore keeps its keys. */
export interface IdempotencyStoreOptions {
  /**
   * Key namespace below the client's keyPrefix, so unrelated key sets (processed events, webhook
   * delivery IDs) never answer for each other. Default `processed`.
   */
  namespace?: string;
}

/**
 * Keys of work already done, each remembered for a TTL. Implements the messaging library's
 * `IdempotencyStore` port (structurally), and adds `tryClaim` for callers that need a single
 * winner before a side effect. Losing Redis loses the keys: the work then repeats, which handlers
 * must tolerate anyway (ARCHITECTURE §3).
 */
export class RedisIdempotencyStore {
  readonly #client: RedisStateClient;
  readonly #namespace: string;

  constructor(client: StateClient, options: IdempotencyStoreOptions = {}) {
    this.#client = redisStateClientOf(client);
    this.#namespace = options.namespace ?? 'processed';
  }

  /** Which of these keys were already processed. One MGET, however many keys. */
  async findProcessed(keys: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return new Set();
    const values = await this.#client.run('idempotency.findProcessed', (redis) => redis.mget(unique.map((key) => this.#key(key))));
    return new Set(unique.filter((_, index) => values[index] !== null));
  }

  /**
   * Remember keys as processed for ttlMs. One EVALSHA that sets every key: a pipeline of N
   * `SET … PX` costs N client-side commands (objects, timers, replies), about 3× the MGET that reads
   * them back (docs/benchmarks.md).
   */
  async markProcessed(keys: readonly string[], ttlMs: number): Promise<void> {
    const ttl = validTtl(ttlMs);
    const unique = [...new Set(keys)];
    if (unique.length === 0) return;
    await this.#client.run('idempotency.markProcessed', (redis) =>
      MARK_PROCESSED.run(
        redis,
        unique.map((key) => this.#key(key)),
        [ttl],
      ),
    );
  }

  /**
   * Claims `key` for ttlMs with SET NX: exactly one caller across all instances gets true until the
   * claim expires or is forgotten. For at-most-once side effects such as webhook delivery-ID
   * dedupe. A claim also counts as processed for `findProcessed`.
   */
  async tryClaim(key: string, ttlMs: number): Promise<boolean> {
    const ttl = validTtl(ttlMs);
    const reply = await this.#client.run('idempotency.tryClaim', (redis) => redis.set(this.#key(key), '1', 'PX', ttl, 'NX'));
    return reply === 'OK';
  }

  /**
   * Drops keys, so the next `tryClaim` wins again. Call it when the work a claim guarded failed
   * before it took effect (e.g. Kafka did not ack), or the sender's retry would be discarded.
   */
  async forget(keys: readonly string[]): Promise<void> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return;
    await this.#client.run('idempotency.forget', (redis) => redis.del(unique.map((key) => this.#key(key))));
  }

  #key(key: string): string {
    return `${this.#namespace}:${key}`;
  }
}

function validTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs < 1) {
    throw new StateError({
      code: 'STATE_INVALID_ARGUMENT',
      disposition: 'permanent',
      message: `idempotency ttlMs must be a positive number of milliseconds, got ${ttlMs}`,
    });
  }
  return Math.ceil(ttlMs);
}
