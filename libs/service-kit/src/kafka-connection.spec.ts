import { kafkaConfig, loadConfig } from '@portcullis/config';
import { describe, expect, it } from 'vitest';
import { kafkaConnectionOf } from './kafka-connection.js';

describe('kafkaConnectionOf', () => {
  it('names the client after the service unless KAFKA_CLIENT_ID says otherwise', () => {
    const config = loadConfig(kafkaConfig, { KAFKA_BROKERS: 'a:9092,b:9092', KAFKA_TOPIC_PREFIX: 'dev-' });

    const sut = kafkaConnectionOf(config, 'notifier');

    expect(sut).toMatchObject({ brokers: ['a:9092', 'b:9092'], clientId: 'notifier', topicPrefix: 'dev-', sasl: undefined });
    expect(kafkaConnectionOf(loadConfig(kafkaConfig, { KAFKA_BROKERS: 'a:9092', KAFKA_CLIENT_ID: 'pc-notifier' }), 'notifier').clientId).toBe(
      'pc-notifier',
    );
  });

  it('passes SASL credentials only as a complete set', () => {
    const config = loadConfig(kafkaConfig, {
      KAFKA_BROKERS: 'a:9092',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'notifier',
      KAFKA_SASL_PASSWORD: 'pw',
    });

    expect(kafkaConnectionOf(config, 'notifier').sasl).toEqual({ mechanism: 'scram-sha-512', username: 'notifier', password: 'pw' });
  });
});
