import { companionTopics, type TopicDefinition } from './topic-definition.js';
import { TOPICS } from './registry.js';

/** What a topic is for: the main stream, its retry queue or its dead-letter queue. */
export type TopicPurpose = 'main' | 'retry' | 'dlq';

/** Everything needed to create one Kafka topic. */
export interface TopicSpec {
  /** Kafka topic name. */
  name: string;
  /** Partitions to create (Kafka can grow them, never shrink them). */
  partitions: number;
  /** `retention.ms` of the topic. */
  retentionMs: number;
  /** Never `compact`: events are facts, and a compacted retry topic would drop attempts. */
  cleanupPolicy: 'delete';
  /** Main stream, retry queue or dead-letter queue. */
  purpose: TopicPurpose;
  /** The main topic this one belongs to (itself for `main`). */
  of: string;
}

/** The main topic and its retry and dead-letter companions. */
export function topicSpecsOf(topic: TopicDefinition): TopicSpec[] {
  return [
    { name: topic.name, partitions: topic.partitions, retentionMs: topic.retentionMs, cleanupPolicy: 'delete', purpose: 'main', of: topic.name },
    {
      name: companionTopics.retryOf(topic.name),
      partitions: companionTopics.retryPartitions(topic),
      retentionMs: companionTopics.retryRetentionMs,
      cleanupPolicy: 'delete',
      purpose: 'retry',
      of: topic.name,
    },
    {
      name: companionTopics.dlqOf(topic.name),
      partitions: companionTopics.dlqPartitions,
      retentionMs: companionTopics.dlqRetentionMs,
      cleanupPolicy: 'delete',
      purpose: 'dlq',
      of: topic.name,
    },
  ];
}

/** Every topic Portcullis uses, companions included: what the messaging library creates at start-up. */
export function allTopicSpecs(topics: readonly TopicDefinition[] = TOPICS): TopicSpec[] {
  return topics.flatMap(topicSpecsOf);
}
