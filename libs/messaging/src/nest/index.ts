export { KafkaEventsTransport } from './kafka-events.transport.js';
export { KafkaEventContext } from './kafka-event.context.js';
export { PropagateEventErrorsFilter } from './propagate-event-errors.filter.js';
export { OnTopic } from './on-topic.decorator.js';
export { MessagingModule, KAFKA_CLIENT, MESSAGING_OPTIONS } from './messaging.module.js';
export type { MessagingModuleOptions, MessagingModuleAsyncOptions } from './messaging.module.js';
