import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AuditResults, type BodyOf, type CloudEvent, DeployEvents, ScanResults } from '@portcullis/contracts';
import { type KafkaEventContext, OnTopic } from '@portcullis/messaging/nest';
import { LOGGER, type Logger, METRICS_REGISTRY, type Registry } from '@portcullis/observability';
import { Counter } from 'prom-client';

/**
 * Placeholder edge for everything a team hears about: audit and scan results and release
 * transitions. It only proves they arrive (logs the envelope, never the body, and counts); the
 * NotifyRelease use case (one Slack thread per release, commit statuses, rate limits) replaces
 * these bodies in a later issue.
 */
@Controller()
export class ReleaseUpdatesEventsController {
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

  @OnTopic(AuditResults)
  async onAuditResult(@Payload() event: CloudEvent<BodyOf<typeof AuditResults>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.record(event, context);
  }

  @OnTopic(ScanResults)
  async onScanResult(@Payload() event: CloudEvent<BodyOf<typeof ScanResults>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.record(event, context);
  }

  @OnTopic(DeployEvents)
  async onDeployEvent(@Payload() event: CloudEvent<BodyOf<typeof DeployEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.record(event, context);
  }

  private record(event: CloudEvent<unknown>, context: KafkaEventContext): void {
    const { topic } = context.getDelivery();
    this.logger.info({ topic, type: event.type, subject: event.subject, releaseId: event.releaseId, eventId: event.id }, 'event received');
    this.received.inc({ topic, type: event.type });
  }
}
