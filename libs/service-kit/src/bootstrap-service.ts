import 'reflect-metadata';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestMicroservice } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type ConfigSchema, type Environment, maskConfig, sensitiveValues } from '@portcullis/config';
import { EventPublisher, silenceKafkajsTimeoutWarning } from '@portcullis/messaging';
import { KAFKA_CLIENT, KafkaEventsTransport, PropagateEventErrorsFilter } from '@portcullis/messaging/nest';
import { createLogger, createMetricsRegistry, LogScrubber, PinoNestLogger, ReadinessRegistry } from '@portcullis/observability';
import { type RedisIdempotencyStore } from '@portcullis/state';
import { type AddressInfo } from 'node:net';
import { type BaseServiceConfig, loadServiceConfig } from './service-config.js';
import { type ServiceKit } from './service-kit.js';
import { exitWhenLogsFlushed } from './exit-when-logs-flushed.js';
import { ServiceKitModule } from './service-kit.module.js';
import { IDEMPOTENCY_STORE } from './service-kit.tokens.js';

/** How a service is put together; everything `main.ts` passes to `bootstrapService`. */
export interface ServiceDefinition<C extends BaseServiceConfig> {
  /** kebab-case service name: logs, metrics labels, CloudEvents source and default consumer group. */
  name: string;
  /** The service's schema, usually `baseServiceConfig(port, { … })`. */
  config: ConfigSchema<C>;
  /** The service's own module, built once the config, logger and metrics exist. */
  module: (kit: ServiceKit<C>) => DynamicModule | Type<unknown>;
  /** Consume the topics of the app's `@OnTopic` handlers. Omit for HTTP-only services. */
  consumer?: { groupId?: string };
  /** The environment; `process.env` in main.ts, a literal in tests. */
  env: Environment;
}

/** The kafkajs client MessagingModule provides (only libs/messaging may name kafkajs types). */
type KafkaClient = ConstructorParameters<typeof KafkaEventsTransport>[0];

@Module({})
class ServiceRootModule {}

/**
 * Boots a Portcullis service: config (or a readable list of every bad variable and exit 1),
 * logger, metrics, a Nest app on Fastify with the shared ServiceKitModule, the Kafka consumer when
 * asked for, HTTP, and a graceful, bounded shutdown on SIGTERM/SIGINT. Returns the running app.
 */
export async function bootstrapService<C extends BaseServiceConfig>(definition: ServiceDefinition<C>): Promise<NestFastifyApplication> {
  silenceKafkajsTimeoutWarning();
  const loaded = loadServiceConfig(definition.name, definition.config, definition.env);
  if (!loaded.ok) {
    // An operator fixing a deployment needs the list of variables, not a stack trace.
    process.stderr.write(loaded.report);
    process.exit(1);
  }
  const { config } = loaded;
  const scrubber = new LogScrubber(sensitiveValues(config));
  const kit: ServiceKit<C> = {
    name: definition.name,
    config,
    scrubber,
    logger: createLogger({ service: definition.name, instanceId: config.identity.instanceId, level: config.log.level, scrubber }),
    metrics: createMetricsRegistry({ service: definition.name, instanceId: config.identity.instanceId }),
  };
  try {
    return await startService(kit, definition);
  } catch (error) {
    kit.logger.fatal({ err: error }, 'service failed to start');
    return exitWhenLogsFlushed(kit.logger, 1);
  }
}

async function startService<C extends BaseServiceConfig>(kit: ServiceKit<C>, definition: ServiceDefinition<C>): Promise<NestFastifyApplication> {
  const root: DynamicModule = { module: ServiceRootModule, imports: [ServiceKitModule.forRoot(kit), definition.module(kit)] };
  // abortOnError off: Nest would otherwise call process.abort() on a wiring error, before our
  // logger could say what went wrong.
  const app = await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), { bufferLogs: true, abortOnError: false });
  app.useLogger(new PinoNestLogger(kit.logger));
  try {
    // process.exit(0) after a clean close instead of re-raising the signal: a graceful stop then
    // exits 0, which orchestrators and `docker stop` treat as success.
    app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
    await app.init();
    await app.listen(kit.config.http.port, kit.config.http.host);
    if (definition.consumer !== undefined) await startConsumer(app, kit, definition.consumer.groupId ?? kit.name);
    const address = app.getHttpServer().address() as AddressInfo | null;
    kit.logger.info({ port: address?.port, consumer: definition.consumer !== undefined, config: maskConfig(kit.config) }, 'service started');
    return app;
  } catch (error) {
    // Leave the consumer group and close connections, so a restart does not wait out a session.
    await withTimeout(app.close(), kit.config.shutdownGraceMs).catch(() => undefined);
    throw error;
  }
}

async function startConsumer(app: NestFastifyApplication, kit: ServiceKit, groupId: string): Promise<void> {
  const { messaging, kafka } = kit.config;
  const transport = new KafkaEventsTransport(app.get<KafkaClient>(KAFKA_CLIENT), {
    groupId,
    topicPrefix: kafka.topicPrefix,
    retry: { maxAttempts: messaging.maxAttempts },
    partitionsConcurrently: messaging.partitionsConcurrently,
    keysConcurrently: messaging.keysConcurrently,
    handlerTimeoutMs: messaging.handlerTimeoutMs,
    idempotency: { store: app.get<RedisIdempotencyStore>(IDEMPOTENCY_STORE), ttlMs: messaging.idempotencyTtlMs },
    publisher: app.get(EventPublisher),
    logger: kit.logger.child({ component: 'consumer', group: groupId }),
    metrics: kit.metrics,
  });
  // Nest reads global filters when it registers the handlers, and a hybrid app registers them
  // inside connectMicroservice unless told to defer, which would leave the filter unused (and
  // every error reduced to "Internal server error", losing its disposition). Deferring would also
  // make the microservice run the app's init hooks a second time, hence setIsInitHookCalled.
  const microservice = app.connectMicroservice({ strategy: transport }, { deferInitialization: true });
  microservice.useGlobalFilters(new PropagateEventErrorsFilter());
  if (!(microservice instanceof NestMicroservice)) throw new Error('unexpected microservice implementation');
  microservice.setIsInitHookCalled(true);
  app.get(ReadinessRegistry).register('consumer', async () => transport.isHealthy);
  await app.startAllMicroservices();
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
