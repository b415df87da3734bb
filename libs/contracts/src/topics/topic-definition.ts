import type { z } from 'zod';

/** Every event body names its kind; the CloudEvents `type` is derived from topic, kind and version. */
export interface EventBody {
  kind: string;
}

/** What the Kafka message key is made of. */
export type TopicKey =
  /** `provider/owner/name`: keeps one repository's events ordered, lets repositories run in parallel. */
  | 'repository'
  /** `registry/repository@sha256:…`: one image digest. */
  | 'image-digest'
  /** A constant: the topic is a low-volume broadcast (e.g. database versions). */
  | 'singleton';

export interface TopicDefinition<TSchema extends z.ZodType<EventBody> = z.ZodType<EventBody>> {
  /** The Kafka topic name. Renaming it needs a migration: consumers and retained data use it. */
  readonly name: string;
  readonly description: string;
  /** Which service publishes to this topic. */
  readonly producedBy: readonly string[];
  /** Which services consume it. */
  readonly consumedBy: readonly string[];
  readonly key: TopicKey;
  /** Derives the message key from a body, so no caller can pick a key that breaks ordering. */
  readonly keyOf: (body: z.infer<TSchema>) => string;
  /** Derives the CloudEvents `subject` (release, repository or digest) from a body. */
  readonly subjectOf: (body: z.infer<TSchema>) => string;
  /** Upper bound of consumer parallelism for this topic (partitions × 1 consumer each). */
  readonly partitions: number;
  readonly retentionMs: number;
  /** The body schema: a discriminated union on `kind`. Validated on produce and on consume. */
  readonly schema: TSchema;
  /** Version of every event type on this topic; a breaking change is a new topic version. */
  readonly version: number;
}

/** The body type of a topic. */
export type BodyOf<T> = T extends TopicDefinition<infer S> ? z.infer<S> : never;

export function defineTopic<TSchema extends z.ZodType<EventBody>>(definition: TopicDefinition<TSchema>): TopicDefinition<TSchema> {
  return Object.freeze(definition);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Companion topics: failed messages wait in `<topic>.retry`, give up into `<topic>.dlq`. */
export const companionTopics = {
  retryOf: (topic: string): string => `${topic}.retry`,
  dlqOf: (topic: string): string => `${topic}.dlq`,
  /** Retry topics are small: they hold only messages that failed, for minutes. */
  retryPartitions: (topic: TopicDefinition): number => Math.max(1, Math.min(topic.partitions, 6)),
  retryRetentionMs: 3 * DAY_MS,
  /** A DLQ is read by people, days later. */
  dlqPartitions: 1,
  dlqRetentionMs: 30 * DAY_MS,
} as const;

export { DAY_MS };
