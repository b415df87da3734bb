import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AuditResults, type BodyOf, type CloudEvent, DeployEvents, ScanResults } from '@portcullis/contracts';
import { type KafkaEventContext, OnTopic } from '@portcullis/messaging/nest';
import { EventReceipts } from '@portcullis/service-kit';

/**
 * Placeholder edge for everything a team hears about: audit and scan results and release
 * transitions. It only proves they arrive (logs the envelope, never the body, and counts); the
 * NotifyRelease use case (one Slack thread per release, commit statuses, rate limits) replaces
 * these bodies in a later issue.
 */
@Controller()
export class ReleaseUpdatesEventsController {
  constructor(@Inject(EventReceipts) private readonly receipts: EventReceipts) {}

  @OnTopic(AuditResults)
  async onAuditResult(@Payload() event: CloudEvent<BodyOf<typeof AuditResults>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
  }

  @OnTopic(ScanResults)
  async onScanResult(@Payload() event: CloudEvent<BodyOf<typeof ScanResults>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
  }

  @OnTopic(DeployEvents)
  async onDeployEvent(@Payload() event: CloudEvent<BodyOf<typeof DeployEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
  }

}
