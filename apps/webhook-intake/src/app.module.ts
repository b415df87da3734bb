import { type DynamicModule, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyAdapter } from '@nestjs/platform-fastify';
import { EventPublisher } from '@portcullis/messaging';
import { type Logger } from '@portcullis/observability';
import { type ServiceKit, STATE_CLIENT } from '@portcullis/service-kit';
import { RedisIdempotencyStore, RedisTokenBucket, type StateClient } from '@portcullis/state';
import { KafkaEventBus } from './adapters/kafka-event.bus.js';
import { PromIntakeMetrics } from './adapters/prom-intake.metrics.js';
import { RedisDeliveryClaims } from './adapters/redis-delivery.claims.js';
import { RedisDeliveryRecords } from './adapters/redis-delivery.records.js';
import { RedisRateLimiter } from './adapters/redis-rate.limiter.js';
import { webhookRoutesPlugin } from './http/webhook-routes.plugin.js';
import { type DeliveryRecords } from './intake/intake.ports.js';
import { ReceiveWebhook } from './intake/receive-webhook.use-case.js';
import { type LoadedSources, loadWebhookSources, type SourcesEnvironment } from './sources/webhook-sources.loader.js';
import { type WebhookIntakeConfig } from './webhook-intake.config.js';

const WEBHOOK_SOURCES = Symbol('webhook-intake.sources');
const RECEIVE_WEBHOOK = Symbol('webhook-intake.receive-webhook');
const DELIVERY_RECORDS = Symbol('webhook-intake.delivery-records');
const INTAKE_CONFIG = Symbol('webhook-intake.config');
const INTAKE_LOGGER = Symbol('webhook-intake.logger');

/** Mounts the webhook routes on the app's Fastify instance before it starts listening. */
@Injectable()
class WebhookRoutes implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost<FastifyAdapter>,
    @Inject(WEBHOOK_SOURCES) private readonly sources: LoadedSources,
    @Inject(RECEIVE_WEBHOOK) private readonly receive: ReceiveWebhook,
    @Inject(DELIVERY_RECORDS) private readonly records: DeliveryRecords,
    @Inject(INTAKE_CONFIG) private readonly config: WebhookIntakeConfig,
    @Inject(INTAKE_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const { maxBodyBytes, retryAfterSeconds } = this.config.webhook;
    await this.host.httpAdapter
      .getInstance()
      .register(
        webhookRoutesPlugin({ sources: this.sources.sources, receive: this.receive, records: this.records, maxBodyBytes, retryAfterSeconds, logger: this.logger }),
      );
  }
}

/**
 * webhook-intake: `POST /v1/webhooks/:sourceId`, `POST /v1/builds`, `GET /v1/deliveries/:id`.
 * The sources file is read here, at boot; an invalid one stops the service with every problem listed.
 */
@Module({})
export class WebhookIntakeModule {
  static forRoot(kit: ServiceKit<WebhookIntakeConfig>, io: SourcesEnvironment): DynamicModule {
    const { webhook } = kit.config;
    const loaded = loadWebhookSources(webhook.sourcesFile, io, {
      perMinute: webhook.sourcePerMinute,
      perRepositoryPerMinute: webhook.repositoryPerMinute,
    });
    // The source secrets come from files and variables only this module reads: the process
    // logger learns them here, before anything could log them.
    kit.scrubber.add(loaded.secretValues);
    const logger = kit.logger.child({ component: 'intake' });
    logger.info({ sources: [...loaded.sources.values()].map((s) => ({ id: s.id, provider: s.provider, secrets: s.secrets.length })) }, 'webhook sources loaded');
    return {
      module: WebhookIntakeModule,
      providers: [
        { provide: WEBHOOK_SOURCES, useValue: loaded },
        { provide: INTAKE_CONFIG, useValue: kit.config },
        { provide: INTAKE_LOGGER, useValue: logger },
        {
          provide: DELIVERY_RECORDS,
          inject: [STATE_CLIENT],
          useFactory: (state: StateClient) => new RedisDeliveryRecords(state, webhook.processedTtlMs),
        },
        {
          provide: RECEIVE_WEBHOOK,
          inject: [EventPublisher, STATE_CLIENT, DELIVERY_RECORDS],
          useFactory: (publisher: EventPublisher, state: StateClient, records: DeliveryRecords) =>
            new ReceiveWebhook({
              bus: new KafkaEventBus(publisher, webhook.publishTimeoutMs),
              claims: new RedisDeliveryClaims(new RedisIdempotencyStore(state, { namespace: 'webhook-delivery' })),
              limiter: new RedisRateLimiter(new RedisTokenBucket(state, { namespace: 'webhook-rate' })),
              records,
              metrics: new PromIntakeMetrics(kit.metrics),
              clock: { now: () => new Date() },
              logger,
              settings: { claimTtlMs: webhook.claimTtlMs, processedTtlMs: webhook.processedTtlMs, retryAfterSeconds: webhook.retryAfterSeconds },
              bearerTokensOf: (id) => loaded.bearerTokens.get(id) ?? [],
            }),
        },
        WebhookRoutes,
      ],
    };
  }
}
