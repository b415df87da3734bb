import { randomBytes } from 'node:crypto';

/** Where the real local stack is, as `tools/stack/stack up` prints it. */
export interface StackEnv {
  kafkaBrokers: string[];
  redisUrl: string;
}

/**
 * Reads the stack's address from the environment. An integration test without a stack fails
 * here with instructions; it never skips (a skipped test would pass CI without testing).
 */
export function stackEnv(env: Record<string, string | undefined> = process.env): StackEnv {
  const missing = ['KAFKA_BROKERS', 'REDIS_URL'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(' and ')} not set: integration tests need the local stack. ` +
        'Run `tools/stack/stack up` and `set -a; . .stack/env; set +a`, or use `tools/test-all`.',
    );
  }
  return { kafkaBrokers: env['KAFKA_BROKERS']!.split(',').map((b) => b.trim()), redisUrl: env['REDIS_URL']! };
}

/** A prefix unique to one test run, for topics, consumer groups and Redis keys. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}-`;
}

/**
 * The environment a Portcullis service needs to run against the local stack, isolated by
 * `prefix` (topics and Redis keys) and listening on a free loopback port. Add service-specific
 * variables on top.
 */
export function serviceEnv(stack: StackEnv, prefix: string, instanceId: string): Record<string, string> {
  return {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    REDIS_URL: stack.redisUrl,
    REDIS_KEY_PREFIX: prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    SERVICE_INSTANCE_ID: instanceId,
  };
}
