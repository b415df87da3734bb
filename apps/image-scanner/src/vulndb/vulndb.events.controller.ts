import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type BodyOf, type CloudEvent, VulndbEvents } from '@portcullis/contracts';
import { OnTopic } from '@portcullis/messaging/nest';
import { VulnDbRefresher } from './vulndb.refresher.js';

export const VULNDB_REFRESHER = Symbol('image-scanner.vulndb-refresher');

/**
 * `vulndb.updated` in the shared `image-scanner` group reaches one instance only, so it is a hint:
 * that instance follows the announced version at once instead of at its next poll. Every instance
 * (this one included) also polls the announced version in Redis, which is what reaches them all.
 */
@Controller()
export class VulndbEventsController {
  constructor(@Inject(VULNDB_REFRESHER) private readonly refresher: VulnDbRefresher) {}

  @OnTopic(VulndbEvents)
  async onVulndbEvent(@Payload() event: CloudEvent<BodyOf<typeof VulndbEvents>>): Promise<void> {
    if (event.body.kind !== 'vulndb.updated') return;
    // A failed sync is logged and retried by the poll; the event itself needs no retry.
    await this.refresher.sync().catch(() => undefined);
  }
}
