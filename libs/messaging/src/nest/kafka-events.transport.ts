import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { topicByName } from '@portcullis/contracts';
import { lastValueFrom } from 'rxjs';
import type { Kafka } from 'kafkajs';
import { EventConsumer, type EventConsumerOptions } from '../event-consumer.js';
import { KafkaEventContext } from './kafka-event.context.js';

/**
 * A Nest microservice transport over our consumer core. Handlers are ordinary
 * `@EventPattern('scm.events')` methods (see `OnTopic`); each receives the validated CloudEvent
 * and a `KafkaEventContext`. Retry, dead-lettering and idempotency stay in the core, so the
 * CLI and the benchmarks get the same behaviour without Nest.
 */
export class KafkaEventsTransport extends Server implements CustomTransportStrategy {
  private consumer: EventConsumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly consumerOptions: EventConsumerOptions,
  ) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    const consumer = new EventConsumer(this.kafka, this.consumerOptions);
    for (const [pattern, handler] of this.messageHandlers) {
      const topic = topicByName(pattern);
      if (!topic) {
        callback(new Error(`@EventPattern('${pattern}') names no topic in libs/contracts`));
        return;
      }
      consumer.subscribe(topic, async (event, delivery) => {
        const result: unknown = await handler(event, new KafkaEventContext([event, delivery]));
        await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      });
    }
    this.consumer = consumer;
    consumer.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
  }

  /** For readiness: false until subscribed and while crashed. */
  get isHealthy(): boolean {
    return this.consumer?.isHealthy ?? false;
  }

  on(): void {
    // No transport-level events to expose: the consumer reports through logs and metrics.
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
