import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { type BodyOf, type CloudEvent, RegistryEvents } from '@portcullis/contracts';
import { type KafkaEventContext, OnTopic } from '@portcullis/messaging/nest';
import { LOGGER, type Logger, METRICS_REGISTRY, type Registry } from '@portcullis/observability';
import { Counter } from 'prom-client';

/**
 * Placeholder edge: proves that image pushes and build announcements reach this service, nothing
 * more. It logs the envelope (never the body) and counts; the ScanImage use case (resolve the
 * digest, reuse cached results, extract the SBOM, match, publish `scan.results`) replaces this
 * body in a later issue.
 */
@Controller()
export class RegistryEventsController {
  private readonly received: Counter<'topic' | 'type'>;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) metrics: Registry,
  ) {
    this.received = new Counter({
      name: 'portcullis_events_received_total',
      help: 'Events that reached a placeholder handler, by topic and type.',
      labelNames: ['topic', 'type'],
      registers: [metrics],
    });
  }

  @OnTopic(RegistryEvents)
  async onRegistryEvent(@Payload() event: CloudEvent<BodyOf<typeof RegistryEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    const { topic } = context.getDelivery();
    this.logger.info({ topic, type: event.type, subject: event.subject, releaseId: event.releaseId, eventId: event.id }, 'event received');
    this.received.inc({ topic, type: event.type });
  }
}
