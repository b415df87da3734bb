import { redisStateClientOf, type RedisStateClient, type StateClient } from './redis-state.client.js';
import { StateError } from './state.error.js';

/** Where a RedisRecordStore keeps its values, and how large one may be. */
export interface RecordStoreOptions {
  /** Key namespace below the client's keyPrefix, e.g. `delivery`. */
  namespace: string;
  /** Refuse values whose JSON is larger than this; records are small by design. Default 16 KiB. */
  maxBytes?: number;
}

/**
 * Small JSON records with a TTL (delivery records, status snapshots): rebuildable facts an operator
 * may look up, never the durable record (that is Kafka). A value that is not valid JSON on read
 * counts as absent.
 */
export class RedisRecordStore<T> {
  readonly #client: RedisStateClient;
  readonly #namespace: string;
  readonly #maxBytes: number;

  constructor(client: StateClient, options: RecordStoreOptions) {
    this.#client = redisStateClientOf(client);
    this.#namespace = options.namespace;
    this.#maxBytes = options.maxBytes ?? 16 * 1024;
  }

  async get(key: string): Promise<T | undefined> {
    const raw = await this.#client.run('records.get', (redis) => redis.get(this.#key(key)));
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return undefined;
    }
  }

  async put(key: string, value: T, ttlMs: number): Promise<void> {
    if (!Number.isFinite(ttlMs) || ttlMs < 1) {
      throw new StateError({ code: 'STATE_INVALID_ARGUMENT', disposition: 'permanent', message: 'record TTL must be a positive number of milliseconds' });
    }
    const json = JSON.stringify(value);
    if (Buffer.byteLength(json) > this.#maxBytes) {
      throw new StateError({ code: 'STATE_INVALID_ARGUMENT', disposition: 'permanent', message: `record exceeds ${this.#maxBytes} bytes` });
    }
    await this.#client.run('records.put', (redis) => redis.set(this.#key(key), json, 'PX', Math.round(ttlMs)));
  }

  #key(key: string): string {
    return `${this.#namespace}:${key}`;
  }
}
