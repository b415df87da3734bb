import { RegistryEvents, ScmEvents } from '@portcullis/contracts';
import { type EventPublisher, PublishError } from '@portcullis/messaging';
import { type EventBus, type IntakeEvent } from '../intake/intake.ports.js';

/**
 * EventBus on the service's EventPublisher (acks=all), bounded by a timeout so the provider gets
 * our 503 before its own delivery timeout (GitHub: 10 s). A publish that times out may still be
 * acknowledged later; the retry then re-publishes the same event id, which consumers drop.
 */
export class KafkaEventBus implements EventBus {
  constructor(
    private readonly publisher: Pick<EventPublisher, 'publish'>,
    private readonly timeoutMs: number,
  ) {}

  async publish(event: IntakeEvent, ids: { eventId: string; deliveryId: string }): Promise<void> {
    const options = { id: ids.eventId, deliveryId: ids.deliveryId };
    const sent =
      event.topic === ScmEvents
        ? this.publisher.publish(ScmEvents, event.body as Parameters<typeof this.publisher.publish<typeof ScmEvents>>[1], options)
        : this.publisher.publish(RegistryEvents, event.body as Parameters<typeof this.publisher.publish<typeof RegistryEvents>>[1], options);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PublishError({ code: 'PUBLISH_TIMEOUT', message: `no acknowledgement within ${this.timeoutMs} ms`, disposition: 'retry' })),
        this.timeoutMs,
      );
    });
    // A late rejection of the abandoned publish must not become an unhandled rejection.
    sent.catch(() => undefined);
    try {
      await Promise.race([sent, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
