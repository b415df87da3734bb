import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { allTopicSpecs } from '@portcullis/contracts';
import { EventPublisher } from '@portcullis/messaging';
import { MessagingModule, type MessagingModuleOptions } from '@portcullis/messaging/nest';
import { LOGGER, type Logger, ObservabilityModule, ReadinessRegistry } from '@portcullis/observability';
import { createRedisClient, RedisIdempotencyStore, type StateClient } from '@portcullis/state';
import { kafkaConnectionOf } from './kafka-connection.js';
import { type BaseServiceConfig } from './service-config.js';
import { type ServiceKit } from './service-kit.js';
import { CONFIG, IDEMPOTENCY_STORE, STATE_CLIENT } from './service-kit.tokens.js';
import { exitWhenLogsFlushed, flushLogs } from './exit-when-logs-flushed.js';
import { EventReceipts } from './event-receipts.js';
import { ShutdownDeadline } from './shutdown-deadline.js';

/** The CloudEvents `source` of everything a service publishes. */
function eventSourceOf(service: string): string {
  return `/portcullis/${service}`;
}

function messagingOptions(kit: ServiceKit): MessagingModuleOptions {
  return {
    connection: kafkaConnectionOf(kit.config.kafka, kit.name),
    source: eventSourceOf(kit.name),
    // Every service ensures every topic: whichever starts first creates them, and a consumer
    // never starts against a topic (or its retry/DLQ companion) that does not exist yet.
    topics: allTopicSpecs(),
    replicationFactor: kit.config.messaging.replicationFactor,
    logger: kit.logger.child({ component: 'messaging' }),
    metrics: kit.metrics,
  };
}

/** Registers the readiness checks of the shared connections and closes Redis last. */
@Injectable()
class ServiceKitLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly unregister: (() => void)[] = [];
  private readonly deadline: ShutdownDeadline;

  constructor(
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(STATE_CLIENT) private readonly state: StateClient,
    @Inject(CONFIG) config: BaseServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.deadline = new ShutdownDeadline({
      graceMs: config.shutdownGraceMs,
      logger,
      exit: (code) => void exitWhenLogsFlushed(logger, code),
    });
  }

  onModuleInit(): void {
    this.unregister.push(
      this.readiness.register('kafka', async () => this.publisher.isConnected),
      this.readiness.register('redis', () => this.state.ping()),
    );
    this.deadline.watch();
  }

  // Runs after Nest closed the HTTP server and the consumer (which still needs Redis for its
  // processed-event marks until its last handler finished).
  async onApplicationShutdown(): Promise<void> {
    this.deadline.unwatch();
    this.unregister.splice(0).forEach((remove) => remove());
    await this.state.close();
    this.logger.info('service stopped');
    // Nest calls process.exit right after the shutdown hooks; the last lines must be out by then.
    await flushLogs(this.logger);
  }
}

/**
 * What every service shares, in one global module: the typed config (`CONFIG`), logger, metrics
 * and probes (ObservabilityModule), the Kafka client and a connected `EventPublisher`
 * (MessagingModule, topics ensured at start-up), the Redis connection (`STATE_CLIENT`) and the
 * consumer's `IDEMPOTENCY_STORE`. `bootstrapService` imports it; apps only inject.
 */
@Module({})
export class ServiceKitModule {
  static forRoot(kit: ServiceKit): DynamicModule {
    return {
      module: ServiceKitModule,
      global: true,
      imports: [
        ObservabilityModule.forRoot({ service: kit.name, logger: kit.logger, metrics: kit.metrics }),
        MessagingModule.forRootAsync({ useFactory: () => messagingOptions(kit) }),
      ],
      providers: [
        { provide: CONFIG, useValue: kit.config },
        {
          provide: STATE_CLIENT,
          useFactory: (): StateClient =>
            createRedisClient({
              url: kit.config.redis.url,
              keyPrefix: kit.config.redis.keyPrefix,
              commandTimeoutMs: kit.config.redis.commandTimeoutMs,
              clientName: `${kit.name}:${kit.config.identity.instanceId}`,
              logger: kit.logger.child({ component: 'redis' }),
            }),
        },
        {
          provide: IDEMPOTENCY_STORE,
          inject: [STATE_CLIENT],
          // The consumer's keys already read `processed:<group>:<ce_id>`; the store's default
          // namespace would repeat the word.
          useFactory: (state: StateClient) => new RedisIdempotencyStore(state, { namespace: 'events' }),
        },
        ServiceKitLifecycle,
        EventReceipts,
      ],
      exports: [CONFIG, STATE_CLIENT, IDEMPOTENCY_STORE, EventReceipts],
    };
  }
}
