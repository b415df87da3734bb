import { type DynamicModule, Module } from '@nestjs/common';
import { EventPublisher } from '@portcullis/messaging';
import { httpRoutes, type ServiceKit, STATE_CLIENT } from '@portcullis/service-kit';
import { RedisIdempotencyStore, RedisTokenBucket, type StateClient } from '@portcullis/state';
import { KafkaEventBus } from './adapters/kafka-event.bus.js';
import { PromIntakeMetrics } from './adapters/prom-intake.metrics.js';
import { RedisDeliveryClaims } from './adapters/redis-delivery.claims.js';
import { RedisDeliveryRecords } from './adapters/redis-delivery.records.js';
import { RedisRateLimiter } from './adapters/redis-rate.limiter.js';
import { webhookRoutesPlugin } from './http/webhook-routes.plugin.js';
import { type DeliveryRecords } from './intake/intake.ports.js';
import { ReceiveWebhook } from './intake/receive-webhook.use-case.js';
import { loadWebhookSources, type SourcesEnvironment } from './sources/webhook-sources.loader.js';
import { type WebhookIntakeConfig } from './webhook-intake.config.js';

const RECEIVE_WEBHOOK = Symbol('webhook-intake.receive-webhook');
const DELIVERY_RECORDS = Symbol('webhook-intake.delivery-records');

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
        httpRoutes('webhook API', [RECEIVE_WEBHOOK, DELIVERY_RECORDS], (receive: ReceiveWebhook, records: DeliveryRecords) =>
          webhookRoutesPlugin({ sources: loaded.sources, receive, records, maxBodyBytes: webhook.maxBodyBytes, retryAfterSeconds: webhook.retryAfterSeconds, logger }),
        ),
      ],
    };
  }
}
