import { envVar, type ConfigShape } from '@portcullis/config';
import { describe, expect, it } from 'vitest';
import { baseServiceConfig, loadServiceConfig, type ServiceConfigExtension } from './service-config.js';

const validEnv = { KAFKA_BROKERS: 'kafka:9092', REDIS_URL: 'redis://:s3cret-pw@redis:6379' };

describe('baseServiceConfig', () => {
  it('gives every service the shared defaults', () => {
    const sut = loadServiceConfig('notifier', baseServiceConfig(8084), validEnv);

    expect(sut.ok).toBe(true);
    if (!sut.ok) return;
    expect(sut.config.http.port).toBe(8084);
    expect(sut.config.kafka.brokers).toEqual(['kafka:9092']);
    expect(sut.config.messaging).toEqual({
      replicationFactor: 1,
      partitionsConcurrently: 4,
      keysConcurrently: 8,
      maxAttempts: 5,
      handlerTimeoutMs: 15 * 60_000,
      idempotencyTtlMs: 7 * 24 * 3_600_000,
    });
    expect(sut.config.shutdownGraceMs).toBe(20_000);
  });

  it('reads the messaging knobs from the environment', () => {
    const sut = loadServiceConfig('notifier', baseServiceConfig(8084), {
      ...validEnv,
      KAFKA_REPLICATION_FACTOR: '3',
      CONSUMER_MAX_ATTEMPTS: '2',
      CONSUMER_HANDLER_TIMEOUT: '90s',
      SHUTDOWN_GRACE: '5s',
    });

    expect(sut.ok && sut.config.messaging.replicationFactor).toBe(3);
    expect(sut.ok && sut.config.messaging.maxAttempts).toBe(2);
    expect(sut.ok && sut.config.messaging.handlerTimeoutMs).toBe(90_000);
    expect(sut.ok && sut.config.shutdownGraceMs).toBe(5_000);
  });

  it("adds a service's own variables under their own keys", () => {
    const schema = baseServiceConfig(8082, {
      scan: { maxConcurrent: envVar.int('SCAN_MAX_CONCURRENT', { default: '4', min: 1, description: 'Images scanned at once.' }) },
    });

    const sut = loadServiceConfig('image-scanner', schema, { ...validEnv, SCAN_MAX_CONCURRENT: '2' });

    expect(sut.ok && sut.config.scan.maxConcurrent).toBe(2);
    expect(sut.ok && sut.config.http.port).toBe(8082);
  });

  it('refuses an extension that would replace a shared group', () => {
    const clash = { kafka: { brokers: envVar.string('OTHER_BROKERS', { description: 'x' }) } } as ConfigShape;

    expect(() => baseServiceConfig(8080, clash as ServiceConfigExtension<ConfigShape>)).toThrow(/kafka.*reserved/);
  });
});

describe('loadServiceConfig', () => {
  it('reports every bad variable at once, naming each, without echoing secrets', () => {
    const sut = loadServiceConfig('secret-auditor', baseServiceConfig(8081), {
      REDIS_URL: 'redis://:s3cret-pw@redis:6379',
      PORT: 'abc',
      CONSUMER_MAX_ATTEMPTS: '0',
    });

    expect(sut.ok).toBe(false);
    if (sut.ok) return;
    expect(sut.error.issues.map((issue) => issue.variable)).toEqual(['PORT', 'KAFKA_BROKERS', 'CONSUMER_MAX_ATTEMPTS']);
    expect(sut.report).toMatch(/^secret-auditor cannot start\. Invalid configuration \(3 problems\):\n/);
    expect(sut.report).toMatch(/^ {2}- KAFKA_BROKERS: missing/m);
    expect(sut.report).toMatch(/^ {2}- PORT: not an integer \(got "abc"\)/m);
    expect(sut.report).not.toContain('s3cret-pw');
    expect(sut.report).not.toMatch(/\bat .*\.[jt]s:\d+/);
  });
});
