import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AuditResults, type BodyOf, type CloudEvent, OperatorCommands, RegistryEvents, ScanResults } from '@portcullis/contracts';
import { type KafkaEventContext, OnTopic } from '@portcullis/messaging/nest';
import { EventReceipts } from '@portcullis/service-kit';

/**
 * Placeholder edge for everything that moves a release: audit and scan results, new images and
 * operator commands. It only proves they arrive (logs the envelope, never the body, and counts);
 * the ReconcileRelease use case (join the results, gate, apply, watch, roll back, publish
 * `deploy.events`) replaces these bodies in a later issue.
 */
@Controller()
export class ReleaseInputsEventsController {
  constructor(@Inject(EventReceipts) private readonly receipts: EventReceipts) {}

  @OnTopic(AuditResults)
  async onAuditResult(@Payload() event: CloudEvent<BodyOf<typeof AuditResults>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
  }

  @OnTopic(ScanResults)
  async onScanResult(@Payload() event: CloudEvent<BodyOf<typeof ScanResults>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
  }

  @OnTopic(RegistryEvents)
  async onRegistryEvent(@Payload() event: CloudEvent<BodyOf<typeof RegistryEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
  }

  @OnTopic(OperatorCommands)
  async onOperatorCommand(@Payload() event: CloudEvent<BodyOf<typeof OperatorCommands>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
  }

}
