import { type RedisTokenBucket, type TokenBucketLimit } from '@portcullis/state';
import { type ChannelAllowance } from '../release/notify-release.ports.js';

/**
 * An allowance as one token bucket per name in Redis, shared by every notifier instance
 * (`bucket:<namespace>:<name>`): Slack's per channel (`slack-channel`, the default), a provider's
 * commit status calls (`commit-status`). A channel named `#deploys` and `deploys` share a bucket;
 * the same channel routed by id and by name elsewhere would not.
 */
export class RedisChannelAllowance implements ChannelAllowance {
  constructor(
    private readonly bucket: Pick<RedisTokenBucket, 'take'>,
    private readonly limit: TokenBucketLimit,
    private readonly namespace = 'slack-channel',
  ) {}

  async take(channel: string): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
    const key = `${this.namespace}:${channel.startsWith('#') ? channel.slice(1) : channel}`;
    const result = await this.bucket.take(key, this.limit);
    return result.allowed ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(1, result.retryAfterMs) };
  }
}
