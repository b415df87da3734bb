import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AuditResults, type BodyOf, type CloudEvent, OperatorCommands, RegistryEvents, ScanResults } from '@portcullis/contracts';
import { type KafkaEventContext, OnTopic } from '@portcullis/messaging/nest';
import { LOGGER, type Logger, METRICS_REGISTRY, type Registry } from '@portcullis/observability';
import { Counter } from 'prom-client';

/**
 * Placeholder edge for everything that moves a release: audit and scan results, new images and
 * operator commands. It only proves they arrive (logs the envelope, never the body, and counts);
 * the ReconcileRelease use case (join the results, gate, apply, watch, roll back, publish
 * `deploy.events`) replaces these bodies in a later issue.
 */
@Controller()
export class ReleaseInputsEventsController {
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

  @OnTopic(RegistryEvents)
  async onRegistryEvent(@Payload() event: CloudEvent<BodyOf<typeof RegistryEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.record(event, context);
  }

  @OnTopic(OperatorCommands)
  async onOperatorCommand(@Payload() event: CloudEvent<BodyOf<typeof OperatorCommands>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.record(event, context);
  }

  private record(event: CloudEvent<unknown>, context: KafkaEventContext): void {
    const { topic } = context.getDelivery();
    this.logger.info({ topic, type: event.type, subject: event.subject, releaseId: event.releaseId, eventId: event.id }, 'event received');
    this.received.inc({ topic, type: event.type });
  }
}
