import { hostname } from 'node:os';
import { type ConfigIssue, type ConfigSchema, defineConfig } from './config-schema.js';
import { envVar } from './config-variable.js';

// Building blocks every service composes into its own schema, so a Kafka or Redis setting has the
// same name, default and meaning in all five services.

const BROKER = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:[\]/]+):\d{1,5}$/;

/** Kafka connection settings (consumed by libs/messaging). */
export const kafkaConfig = defineConfig(
  {
    brokers: envVar.list('KAFKA_BROKERS', {
      description: 'Bootstrap brokers as comma-separated host:port pairs, e.g. `kafka-0:9092,kafka-1:9092`.',
    }),
    clientId: envVar.string('KAFKA_CLIENT_ID', {
      optional: true,
      description: 'Client id sent to the brokers (shows in broker logs, quotas and ACLs). The service name when unset.',
    }),
    ssl: envVar.bool('KAFKA_SSL', { default: 'false', description: 'Connect to the brokers over TLS.' }),
    sslCaFile: envVar.string('KAFKA_SSL_CA_FILE', {
      optional: true,
      description: "Path to a PEM bundle of CAs to trust for the brokers' certificates (needs KAFKA_SSL=true). System CAs when unset.",
    }),
    saslMechanism: envVar.enum('KAFKA_SASL_MECHANISM', ['plain', 'scram-sha-256', 'scram-sha-512'], {
      optional: true,
      description: 'SASL mechanism; no SASL when unset. Needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD.',
    }),
    saslUsername: envVar.string('KAFKA_SASL_USERNAME', { optional: true, description: 'SASL username.' }),
    saslPassword: envVar.string('KAFKA_SASL_PASSWORD', {
      optional: true,
      sensitive: true,
      description: 'SASL password; prefer KAFKA_SASL_PASSWORD_FILE with a mounted secret.',
    }),
    connectionTimeoutMs: envVar.duration('KAFKA_CONNECTION_TIMEOUT', {
      default: '3s',
      description: 'How long to wait for a TCP/TLS connection to a broker.',
    }),
    requestTimeoutMs: envVar.duration('KAFKA_REQUEST_TIMEOUT', {
      default: '10s',
      description: 'How long to wait for a broker to answer a request.',
    }),
    topicPrefix: envVar.string('KAFKA_TOPIC_PREFIX', {
      default: '',
      pattern: /^[A-Za-z0-9._-]*$/,
      description: 'Prepended to every topic name, so tests or tenants sharing a cluster stay apart. Letters, digits, `.`, `_`, `-`.',
    }),
  },
  {
    check: (kafka) => {
      const issues: ConfigIssue[] = [];
      kafka.brokers.forEach((broker, index) => {
        if (!BROKER.test(broker)) {
          issues.push({ variable: 'KAFKA_BROKERS', problem: `entry ${index + 1} is not host:port (got ${JSON.stringify(broker)})` });
        }
      });
      if (kafka.saslMechanism !== undefined) {
        if (kafka.saslUsername === undefined) {
          issues.push({ variable: 'KAFKA_SASL_USERNAME', problem: 'required when KAFKA_SASL_MECHANISM is set' });
        }
        if (kafka.saslPassword === undefined) {
          issues.push({
            variable: 'KAFKA_SASL_PASSWORD',
            problem: 'required when KAFKA_SASL_MECHANISM is set (or set KAFKA_SASL_PASSWORD_FILE)',
          });
        }
      } else if (kafka.saslUsername !== undefined || kafka.saslPassword !== undefined) {
        // Credentials without a mechanism would be ignored, and the client would connect anonymously.
        issues.push({ variable: 'KAFKA_SASL_MECHANISM', problem: 'required when a SASL username or password is set' });
      }
      if (kafka.sslCaFile !== undefined && !kafka.ssl) {
        issues.push({ variable: 'KAFKA_SSL', problem: 'must be true when KAFKA_SSL_CA_FILE is set' });
      }
      return issues;
    },
  },
);

/** Redis connection settings (consumed by libs/state). */
export const redisConfig = defineConfig({
  url: envVar.url('REDIS_URL', {
    sensitive: true,
    protocols: ['redis', 'rediss'],
    description:
      'redis://[user:password@]host:port[/db], or rediss:// for TLS. Sensitive because it may embed the password; prefer REDIS_URL_FILE.',
  }),
  keyPrefix: envVar.string('REDIS_KEY_PREFIX', {
    default: 'pc:',
    description: 'Prepended to every key, so several installations or test runs can share one Redis.',
  }),
  commandTimeoutMs: envVar.duration('REDIS_COMMAND_TIMEOUT', {
    default: '1s',
    description: 'A command not answered within this time fails (and is retried by the caller), instead of queueing forever.',
  }),
});

/** Options of `httpConfig`. */
export interface HttpConfigOptions {
  /** The service's conventional port, used when PORT is unset. */
  defaultPort: number;
}

/** The HTTP listener (health, metrics and, for webhook-intake, the webhooks). */
export function httpConfig(options: HttpConfigOptions): ConfigSchema<{ readonly port: number; readonly host: string }> {
  return defineConfig({
    port: envVar.port('PORT', { default: String(options.defaultPort), description: 'TCP port of the HTTP server.' }),
    host: envVar.string('HOST', {
      default: '0.0.0.0',
      description: 'Address to listen on; `0.0.0.0` for every IPv4 interface, `::` for IPv4 and IPv6.',
    }),
  });
}

/** Log levels, most to least severe; `silent` turns logging off (tests). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** One of `LOG_LEVELS`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Logging settings (consumed by libs/observability). */
export const logConfig = defineConfig({
  level: envVar.enum('LOG_LEVEL', LOG_LEVELS, { default: 'info', description: 'Least severe level written.' }),
});

/** Who this process is among the instances of its service. */
export const serviceIdentity = defineConfig({
  instanceId: envVar.string('SERVICE_INSTANCE_ID', {
    default: () => `${hostname()}-${process.pid}`,
    defaultLabel: '<hostname>-<pid>',
    pattern: /^[A-Za-z0-9._:-]{1,128}$/,
    description: 'Names this instance in logs, metrics and Kafka client ids. In Kubernetes the host name is the pod name.',
  }),
});
