import { BaseRpcContext } from '@nestjs/microservices';
import type { CloudEvent } from '@portcullis/contracts';
import type { DeliveryContext } from '../event-consumer.js';

/** `@Ctx()` of a Kafka event handler: the decoded event and its delivery facts. */
export class KafkaEventContext extends BaseRpcContext<[CloudEvent<unknown>, DeliveryContext]> {
  getEvent(): CloudEvent<unknown> {
    return this.args[0];
  }

  getDelivery(): DeliveryContext {
    return this.args[1];
  }
}
