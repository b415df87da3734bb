import { DeployEvents, type ReleaseTransitionEvent } from '@portcullis/contracts';
import { type EventPublisher } from '@portcullis/messaging';
import { type Registry } from '@portcullis/observability';
import { createHash } from 'node:crypto';
import { Counter } from 'prom-client';
import { type TransitionBus } from '../release/reconcile.ports.js';

/**
 * Publishes transitions on `deploy.events` with an id derived from release, environment and
 * sequence: a step that published and then failed to persist publishes the same fact again on
 * retry, and consumers deduplicate it by `ce_id`. Counts what it published by environment and
 * state (`portcullis_release_transitions_total`, what the rollback alert watches).
 */
export class KafkaTransitionBus implements TransitionBus {
  private readonly published: Counter<'environment' | 'state'>;

  constructor(
    private readonly publisher: Pick<EventPublisher, 'publish'>,
    registry: Registry,
  ) {
    this.published = new Counter({
      name: 'portcullis_release_transitions_total',
      help: 'Release transitions published on deploy.events, by environment and the state entered (rolled_back: an automatic or requested rollback). A transition re-published after a failed save counts twice.',
      labelNames: ['environment', 'state'],
      registers: [registry],
    });
  }

  async publish(event: ReleaseTransitionEvent): Promise<void> {
    const id = createHash('sha256').update(`${event.releaseId}\n${event.environment}\n${event.sequence}`).digest('hex').slice(0, 32);
    await this.publisher.publish(DeployEvents, event, { id, releaseId: event.releaseId });
    this.published.inc({ environment: event.environment, state: event.to });
  }
}
