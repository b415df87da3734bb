import {
  ConfigError,
  type ConfigSchema,
  type ConfigShape,
  type ConfigValueOf,
  defineConfig,
  type Environment,
  envVar,
  httpConfig,
  kafkaConfig,
  loadConfig,
  logConfig,
  redisConfig,
  serviceIdentity,
} from '@portcullis/config';

/** Knobs of the Kafka backbone that every service shares (libs/messaging reads them). */
export const messagingConfig = defineConfig({
  replicationFactor: envVar.int('KAFKA_REPLICATION_FACTOR', {
    default: '1',
    min: 1,
    description: 'Replication factor of topics this service creates at start-up; 1 for a single broker, 3 in production.',
  }),
  partitionsConcurrently: envVar.int('CONSUMER_PARTITIONS_CONCURRENTLY', {
    default: '4',
    min: 1,
    description: 'Partitions one instance handles at the same time.',
  }),
  keysConcurrently: envVar.int('CONSUMER_KEYS_CONCURRENTLY', {
    default: '8',
    min: 1,
    description: 'Messages with different keys (repositories) handled at once within one partition; one key stays in order.',
  }),
  maxAttempts: envVar.int('CONSUMER_MAX_ATTEMPTS', {
    default: '5',
    min: 1,
    description: 'Handler attempts (the first try included) before a failing event goes to the dead-letter topic.',
  }),
  handlerTimeoutMs: envVar.duration('CONSUMER_HANDLER_TIMEOUT', {
    default: '15m',
    description: 'A handler still running after this long is aborted and its event retried.',
  }),
  idempotencyTtlMs: envVar.duration('IDEMPOTENCY_TTL', {
    // 7 days; durations have no day unit.
    default: '168h',
    description: 'How long an event id is remembered as processed, so a redelivery within it is skipped.',
  }),
});

function serviceShape(defaultPort: number) {
  return {
    identity: serviceIdentity,
    log: logConfig,
    http: httpConfig({ defaultPort }),
    kafka: kafkaConfig,
    redis: redisConfig,
    messaging: messagingConfig,
    shutdownGraceMs: envVar.duration('SHUTDOWN_GRACE', {
      default: '20s',
      description:
        'Longest a shutdown (SIGTERM/SIGINT) may take: consumers finish and commit, the publisher flushes, Redis closes. Keep it below the pod terminationGracePeriodSeconds.',
    }),
  } as const;
}

type BaseServiceShape = ReturnType<typeof serviceShape>;

/** The configuration every Portcullis service has, whatever else it adds. */
export type BaseServiceConfig = ConfigValueOf<BaseServiceShape>;

/** A service's own variables: any shape whose top-level keys do not reuse the base's. */
export type ServiceConfigExtension<E extends ConfigShape> = E & { readonly [K in keyof BaseServiceShape]?: never };

/**
 * The configuration schema of a service: Kafka, Redis, HTTP, logging, identity and the messaging
 * knobs, plus the service's own variables under their own top-level keys.
 *
 * @example
 * export const imageScannerConfig = baseServiceConfig(8082, {
 *   scan: { maxConcurrent: envVar.int('SCAN_MAX_CONCURRENT', { default: '4', min: 1, description: '…' }) },
 * });
 */
export function baseServiceConfig(defaultPort: number): ConfigSchema<BaseServiceConfig>;
export function baseServiceConfig<const E extends ConfigShape>(
  defaultPort: number,
  extension: ServiceConfigExtension<E>,
): ConfigSchema<ConfigValueOf<BaseServiceShape & E>>;
export function baseServiceConfig(defaultPort: number, extension: ConfigShape = {}): ConfigSchema<unknown> {
  const base = serviceShape(defaultPort);
  const clash = Object.keys(extension).filter((key) => key in base);
  // The type already forbids it; this catches a cast, which would silently replace e.g. `kafka`.
  if (clash.length > 0) throw new TypeError(`service config keys ${clash.join(', ')} are reserved by baseServiceConfig`);
  return defineConfig({ ...base, ...extension });
}

/** Outcome of `loadServiceConfig`: the typed config, or one message naming every bad variable. */
export type ServiceConfigResult<C> = { ok: true; config: C } | { ok: false; error: ConfigError; report: string };

/**
 * Loads a service's configuration without side effects, so tests can see what an operator would
 * see. `bootstrapService` prints the report and exits on failure.
 */
export function loadServiceConfig<C>(service: string, schema: ConfigSchema<C>, env: Environment): ServiceConfigResult<C> {
  try {
    return { ok: true, config: loadConfig(schema, env) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { ok: false, error, report: `${service} cannot start. ${error.message}\n` };
  }
}

/**
 * A bearer token a service's HTTP API requires (`<NAME>`, also readable from `<NAME>_FILE`):
 * sensitive, printable ASCII without spaces, 32 to 512 characters — long enough not to be
 * guessed. The description says what it guards; the format note is appended.
 */
export function apiTokenVar(name: string, options: { optional: true; description: string }): ReturnType<typeof optionalToken>;
export function apiTokenVar(name: string, options: { description: string }): ReturnType<typeof requiredToken>;
export function apiTokenVar(name: string, options: { optional?: true; description: string }) {
  return options.optional ? optionalToken(name, options.description) : requiredToken(name, options.description);
}

const TOKEN_FORMAT = /^[\x21-\x7e]{32,512}$/;
const tokenNote = (name: string) => `32 to 512 printable characters, e.g. \`openssl rand -hex 32\`. Also readable from ${name}_FILE.`;

function optionalToken(name: string, description: string) {
  return envVar.string(name, { optional: true, sensitive: true, pattern: TOKEN_FORMAT, description: `${description} ${tokenNote(name)}` });
}

function requiredToken(name: string, description: string) {
  return envVar.string(name, { sensitive: true, pattern: TOKEN_FORMAT, description: `${description} ${tokenNote(name)}` });
}
