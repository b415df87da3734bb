import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { type BodyOf, type CloudEvent, DeployEvents } from '@portcullis/contracts';
import { type KafkaEventContext, OnTopic } from '@portcullis/messaging/nest';
import { EventReceipts } from '@portcullis/service-kit';
import { TrackDeployment } from './track-deployment.use-case.js';

export const TRACK_DEPLOYMENT = Symbol('image-scanner.track-deployment');

/**
 * Thin edge: every `release.transition` updates which digests run where (for re-matching them
 * when the database changes). Errors propagate: the consumer retries Redis failures and
 * re-schedules a busy index lock.
 */
@Controller()
export class DeployEventsController {
  constructor(
    @Inject(EventReceipts) private readonly receipts: EventReceipts,
    @Inject(TRACK_DEPLOYMENT) private readonly track: TrackDeployment,
  ) {}

  @OnTopic(DeployEvents)
  async onDeployEvent(@Payload() event: CloudEvent<BodyOf<typeof DeployEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
    if (event.body.kind !== 'release.transition') return;
    await this.track.execute(event.body);
  }
}
