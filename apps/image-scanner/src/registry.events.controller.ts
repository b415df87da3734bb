import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { type BodyOf, type CloudEvent, RegistryEvents, releaseIdOf } from '@portcullis/contracts';
import { type KafkaEventContext, OnTopic } from '@portcullis/messaging/nest';
import { EventReceipts } from '@portcullis/service-kit';
import { ScanImage } from './scan/scan-image.use-case.js';

export const SCAN_IMAGE = Symbol('image-scanner.scan-image');

/**
 * Thin edge: an image push becomes a scan of its digest; a build announcement a scan tied to its
 * release (`repository@commit`). Errors propagate: the consumer retries transient ones and
 * re-schedules not-ready ones, and the use case publishes `scan.failed` for the rest.
 */
@Controller()
export class RegistryEventsController {
  constructor(
    @Inject(EventReceipts) private readonly receipts: EventReceipts,
    @Inject(SCAN_IMAGE) private readonly scanImage: ScanImage,
  ) {}

  @OnTopic(RegistryEvents)
  async onRegistryEvent(@Payload() event: CloudEvent<BodyOf<typeof RegistryEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
    const { attempt, signal } = context.getDelivery();
    const origin = { eventId: event.id, ...(event.deliveryId ? { deliveryId: event.deliveryId } : {}) };
    const body = event.body;
    switch (body.kind) {
      case 'image.pushed':
        await this.scanImage.execute({ image: body.image, attempt, origin, signal, requestedAt: new Date(event.time) });
        return;
      case 'build.announced':
        await this.scanImage.execute({
          image: body.image,
          release: { releaseId: releaseIdOf(body.repository, body.commit), repository: body.repository },
          attempt,
          origin,
          signal,
          requestedAt: new Date(event.time),
        });
        return;
    }
  }
}
