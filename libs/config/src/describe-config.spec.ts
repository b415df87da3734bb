import { describe, expect, it } from 'vitest';
import { defineConfig } from './config-schema.js';
import { kafkaConfig, logConfig, serviceIdentity } from './common-config.js';
import { describeConfigVariables } from './describe-config.js';

describe('describeConfigVariables', () => {
  it('documents every variable of a composed schema in declaration order', () => {
    const sut = describeConfigVariables(defineConfig({ kafka: kafkaConfig, log: logConfig, identity: serviceIdentity }));
    expect(sut.map((row) => row.name)).toEqual([
      'KAFKA_BROKERS',
      'KAFKA_CLIENT_ID',
      'KAFKA_SSL',
      'KAFKA_SSL_CA_FILE',
      'KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_USERNAME',
      'KAFKA_SASL_PASSWORD',
      'KAFKA_CONNECTION_TIMEOUT',
      'KAFKA_REQUEST_TIMEOUT',
      'KAFKA_TOPIC_PREFIX',
      'LOG_LEVEL',
      'SERVICE_INSTANCE_ID',
    ]);
    const byName = new Map(sut.map((row) => [row.name, row]));
    expect(byName.get('KAFKA_BROKERS')).toMatchObject({ type: 'list', required: true, default: undefined, sensitive: false });
    expect(byName.get('KAFKA_SASL_PASSWORD')).toMatchObject({ required: false, sensitive: true, fileVariable: 'KAFKA_SASL_PASSWORD_FILE' });
    expect(byName.get('KAFKA_CONNECTION_TIMEOUT')).toMatchObject({ type: 'duration', default: '3s', required: false });
    expect(byName.get('LOG_LEVEL')).toMatchObject({ type: 'enum', default: 'info', allowedValues: expect.arrayContaining(['debug']) });
    expect(byName.get('SERVICE_INSTANCE_ID')).toMatchObject({ default: '<hostname>-<pid>' });
    expect(sut.every((row) => row.description.length > 0)).toBe(true);
  });
});
