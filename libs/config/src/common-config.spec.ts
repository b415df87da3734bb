import { describe, expect, it } from 'vitest';
import { kafkaConfig, httpConfig, logConfig, redisConfig, serviceIdentity } from './common-config.js';
import { ConfigError } from './config-error.js';
import { type ConfigSchema } from './config-schema.js';
import { loadConfig, type Environment } from './load-config.js';

function problems(schema: ConfigSchema<unknown>, env: Environment): Record<string, string> {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return Object.fromEntries(error.issues.map((i) => [i.variable, i.problem]));
    throw error;
  }
  return {};
}

describe('kafkaConfig', () => {
  it('needs only the brokers and defaults the rest', () => {
    const sut = loadConfig(kafkaConfig, { KAFKA_BROKERS: 'kafka-0:9092, [::1]:9093' });
    expect(sut).toEqual({
      brokers: ['kafka-0:9092', '[::1]:9093'],
      clientId: undefined,
      ssl: false,
      sslCaFile: undefined,
      saslMechanism: undefined,
      saslUsername: undefined,
      saslPassword: undefined,
      connectionTimeoutMs: 3_000,
      requestTimeoutMs: 10_000,
      topicPrefix: '',
    });
  });

  it('requires brokers in host:port form', () => {
    expect(problems(kafkaConfig, {})).toHaveProperty('KAFKA_BROKERS', expect.stringContaining('missing'));
    expect(problems(kafkaConfig, { KAFKA_BROKERS: 'kafka-0:9092,kafka-1' })).toEqual({
      KAFKA_BROKERS: 'entry 2 is not host:port (got "kafka-1")',
    });
  });

  it('requires SASL credentials and mechanism together', () => {
    expect(problems(kafkaConfig, { KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512' })).toEqual({
      KAFKA_SASL_USERNAME: expect.stringContaining('required'),
      KAFKA_SASL_PASSWORD: expect.stringContaining('required'),
    });
    expect(problems(kafkaConfig, { KAFKA_BROKERS: 'k:9092', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw-123456' })).toEqual({
      KAFKA_SASL_MECHANISM: expect.stringContaining('required'),
    });
    const sut = loadConfig(kafkaConfig, {
      KAFKA_BROKERS: 'k:9092',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'pw-123456',
    });
    expect(sut.saslMechanism).toBe('scram-sha-512');
  });

  it('requires KAFKA_SSL for a CA file and a topic-safe prefix', () => {
    expect(problems(kafkaConfig, { KAFKA_BROKERS: 'k:9092', KAFKA_SSL_CA_FILE: '/ca.pem', KAFKA_TOPIC_PREFIX: 'test run/1' })).toEqual({
      KAFKA_TOPIC_PREFIX: expect.stringContaining('must match'),
    });
    expect(problems(kafkaConfig, { KAFKA_BROKERS: 'k:9092', KAFKA_SSL_CA_FILE: '/ca.pem' })).toEqual({
      KAFKA_SSL: 'must be true when KAFKA_SSL_CA_FILE is set',
    });
  });
});

describe('redisConfig', () => {
  it('requires a redis:// or rediss:// URL and defaults prefix and timeout', () => {
    expect(loadConfig(redisConfig, { REDIS_URL: 'rediss://cache:6380' })).toEqual({
      url: 'rediss://cache:6380',
      keyPrefix: 'pc:',
      commandTimeoutMs: 1_000,
    });
    expect(problems(redisConfig, {})).toHaveProperty('REDIS_URL', expect.stringContaining('REDIS_URL_FILE'));
    expect(problems(redisConfig, { REDIS_URL: 'http://user:pw@cache' })).toEqual({ REDIS_URL: 'must use redis:// or rediss://' });
  });
});

describe('httpConfig, logConfig, serviceIdentity', () => {
  it('uses the service default port unless PORT is set', () => {
    expect(loadConfig(httpConfig({ defaultPort: 8081 }), {})).toEqual({ port: 8081, host: '0.0.0.0' });
    expect(loadConfig(httpConfig({ defaultPort: 8081 }), { PORT: '9000', HOST: '::' })).toEqual({ port: 9000, host: '::' });
  });

  it('defaults LOG_LEVEL to info and rejects unknown levels', () => {
    expect(loadConfig(logConfig, {}).level).toBe('info');
    expect(loadConfig(logConfig, { LOG_LEVEL: 'DEBUG' }).level).toBe('debug');
    expect(problems(logConfig, { LOG_LEVEL: 'verbose' })).toHaveProperty('LOG_LEVEL', expect.stringContaining('must be one of'));
  });

  it('derives the instance id from host name and pid unless set', () => {
    expect(loadConfig(serviceIdentity, {}).instanceId).toMatch(new RegExp(`-${process.pid}$`));
    expect(loadConfig(serviceIdentity, { SERVICE_INSTANCE_ID: 'scanner-7' }).instanceId).toBe('scanner-7');
  });
});
