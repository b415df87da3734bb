import { createHash } from 'node:crypto';
import { type Redis } from 'ioredis';

/**
 * A Lua script sent by SHA (EVALSHA) and re-sent in full only when Redis answers NOSCRIPT, which
 * happens after a restart or SCRIPT FLUSH. Keys go through ioredis' keyPrefix like any command's.
 */
export class LuaScript {
  /** SHA1 of the source, the name Redis caches the script under. */
  readonly sha: string;

  constructor(
    /** The Lua source. */
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script with KEYS and ARGV; rejects with whatever ioredis rejects with. */
  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
