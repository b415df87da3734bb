import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { type BodyOf, type CloudEvent, ScmEvents } from '@portcullis/contracts';
import { type KafkaEventContext, OnTopic } from '@portcullis/messaging/nest';
import { EventReceipts } from '@portcullis/service-kit';

/**
 * Placeholder edge: proves that pushes reach this service, nothing more. It logs the envelope (never
 * the body) and counts; the AuditPushedRange use case (fetch `before..after`, scan, publish
 * `audit.results`) replaces this body in a later issue.
 */
@Controller()
export class ScmEventsController {
  constructor(@Inject(EventReceipts) private readonly receipts: EventReceipts) {}

  @OnTopic(ScmEvents)
  async onScmEvent(@Payload() event: CloudEvent<BodyOf<typeof ScmEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
  }
}
