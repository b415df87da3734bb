import { type InferConfig, type kafkaConfig } from '@portcullis/config';
import { type KafkaConnectionOptions } from '@portcullis/messaging';

/** The loaded `kafkaConfig` group (`config.kafka`). */
export type KafkaConfig = InferConfig<typeof kafkaConfig>;

/**
 * Turns the KAFKA_* variables into the messaging library's connection options, the same way for
 * the services and the CLI. `defaultClientId` applies when KAFKA_CLIENT_ID is unset: one id per
 * service, not per instance, because broker quotas and ACLs are set per client id.
 */
export function kafkaConnectionOf(kafka: KafkaConfig, defaultClientId: string): KafkaConnectionOptions {
  const { saslMechanism: mechanism, saslUsername: username, saslPassword: password } = kafka;
  return {
    brokers: kafka.brokers,
    clientId: kafka.clientId ?? defaultClientId,
    ssl: kafka.ssl,
    sslCaFile: kafka.sslCaFile,
    // kafkaConfig's check guarantees username and password whenever a mechanism is set.
    sasl: mechanism !== undefined && username !== undefined && password !== undefined ? { mechanism, username, password } : undefined,
    connectionTimeoutMs: kafka.connectionTimeoutMs,
    requestTimeoutMs: kafka.requestTimeoutMs,
    topicPrefix: kafka.topicPrefix,
  };
}
