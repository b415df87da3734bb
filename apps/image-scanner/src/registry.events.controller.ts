import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { type BodyOf, type CloudEvent, RegistryEvents } from '@portcullis/contracts';
import { type KafkaEventContext, OnTopic } from '@portcullis/messaging/nest';
import { EventReceipts } from '@portcullis/service-kit';

/**
 * Placeholder edge: proves that image pushes and build announcements reach this service, nothing
 * more. It logs the envelope (never the body) and counts; the ScanImage use case (resolve the
 * digest, reuse cached results, extract the SBOM, match, publish `scan.results`) replaces this
 * body in a later issue.
 */
@Controller()
export class RegistryEventsController {
  constructor(@Inject(EventReceipts) private readonly receipts: EventReceipts) {}

  @OnTopic(RegistryEvents)
  async onRegistryEvent(@Payload() event: CloudEvent<BodyOf<typeof RegistryEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
  }
}
