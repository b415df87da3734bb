import { EventPattern } from '@nestjs/microservices';
import type { TopicDefinition } from '@portcullis/contracts';

/** `@EventPattern` for a topic of the registry, so handlers name topics by definition, not string. */
export function OnTopic(topic: TopicDefinition): MethodDecorator {
  return EventPattern<string>(topic.name);
}
