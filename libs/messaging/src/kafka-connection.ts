import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { readFileSync } from 'node:fs';
import type { MessagingLogger } from './ports.js';

/** The Kafka client `createKafkaClient` returns, for code outside this library that passes one around. */
export type KafkaClient = Kafka;

/** How to reach the Kafka cluster. Mirrors the KAFKA_* variables of libs/config. */
export interface KafkaConnectionOptions {
  /** `host:port` of one or more brokers. */
  brokers: readonly string[];
  /** Client id reported to the brokers (service name + instance). */
  clientId: string;
  /** Use TLS to the brokers. */
  ssl?: boolean;
  /** Extra CA bundle for TLS (PEM file path). */
  sslCaFile?: string;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** Give up connecting to a broker after this long. */
  connectionTimeoutMs?: number;
  /** Give up waiting for a broker's answer after this long. */
  requestTimeoutMs?: number;
  /** Prepended to every topic and group name, so test runs and tenants can share a cluster. */
  topicPrefix?: string;
}

/**
 * kafkajs defaults retry for about 14 s before a failure surfaces. Callers (the intake's 503, a
 * handler's retry decision) need to know much sooner, so retries are short and bounded here and
 * resilience comes from our own retry topics instead.
 */
export function createKafkaClient(options: KafkaConnectionOptions, logger: MessagingLogger): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000, factor: 0.2, multiplier: 2 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...rest } = entry.log;
      const fields = { component: 'kafkajs', namespace: entry.namespace, ...rest };
      if (entry.level <= logLevel.ERROR) logger.error(fields, message);
      else if (entry.level === logLevel.WARN) logger.warn(fields, message);
      else logger.debug(fields, message);
    },
  };
  if (options.ssl) {
    config.ssl = options.sslCaFile ? { ca: [readFileSync(options.sslCaFile, 'utf8')] } : true;
  }
  if (options.sasl) {
    const { mechanism, username, password } = options.sasl;
    config.sasl = { mechanism, username, password } as SASLOptions;
  }
  return new Kafka(config);
}

/** Applies the test/tenant prefix to a topic or group name. */
export function prefixed(prefix: string | undefined, name: string): string {
  return prefix ? `${prefix}${name}` : name;
}
