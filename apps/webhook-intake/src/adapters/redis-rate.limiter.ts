import { type RedisTokenBucket } from '@portcullis/state';
import { type RateLimiter } from '../intake/intake.ports.js';

/** RateLimiter on the shared Redis token bucket: `perMinute` tokens of burst, refilled at perMinute/60 per second. */
export class RedisRateLimiter implements RateLimiter {
  constructor(private readonly bucket: Pick<RedisTokenBucket, 'take'>) {}

  async take(key: string, perMinute: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const result = await this.bucket.take(key, { capacity: perMinute, refillPerSecond: perMinute / 60 });
    return { allowed: result.allowed, retryAfterMs: result.retryAfterMs };
  }
}
