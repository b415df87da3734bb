import { Inject, Injectable } from '@nestjs/common';
import type { CloudEvent } from '@portcullis/contracts';
import type { KafkaEventContext } from '@portcullis/messaging/nest';
import { LOGGER, type Logger, METRICS_REGISTRY, type Registry } from '@portcullis/observability';
import { Counter } from 'prom-client';

/**
 * Records that an event reached a service: one log line with the envelope (never the body, which
 * may be large and is the domain's business) and a counter by topic and type. Handlers whose use
 * case has not landed yet use it to prove their wiring; real handlers may keep it as an audit trail.
 */
@Injectable()
export class EventReceipts {
  private readonly received: Counter<'topic' | 'type'>;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) metrics: Registry,
  ) {
    this.received = new Counter({
      name: 'portcullis_events_received_total',
      help: 'Events that reached a handler, by topic and type.',
      labelNames: ['topic', 'type'],
      registers: [metrics],
    });
  }

  record(event: CloudEvent<unknown>, context: KafkaEventContext): void {
    const { topic, attempt } = context.getDelivery();
    this.logger.info({ topic, type: event.type, subject: event.subject, releaseId: event.releaseId, eventId: event.id, attempt }, 'event received');
    this.received.inc({ topic, type: event.type });
  }
}
