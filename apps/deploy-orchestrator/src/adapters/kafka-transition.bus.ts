import { DeployEvents, type ReleaseTransitionEvent } from '@portcullis/contracts';
import { type EventPublisher } from '@portcullis/messaging';
import { createHash } from 'node:crypto';
import { type TransitionBus } from '../release/reconcile.ports.js';

/**
 * Publishes transitions on `deploy.events` with an id derived from release, environment and
 * sequence: a step that published and then failed to persist publishes the same fact again on
 * retry, and consumers deduplicate it by `ce_id`.
 */
export class KafkaTransitionBus implements TransitionBus {
  constructor(private readonly publisher: Pick<EventPublisher, 'publish'>) {}

  async publish(event: ReleaseTransitionEvent): Promise<void> {
    const id = createHash('sha256').update(`${event.releaseId}\n${event.environment}\n${event.sequence}`).digest('hex').slice(0, 32);
    await this.publisher.publish(DeployEvents, event, { id, releaseId: event.releaseId });
  }
}
