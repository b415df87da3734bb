import { z } from 'zod';

/** Every event body names its kind; the CloudEvents `type` is derived from topic, kind and version. */
export interface EventBody {
  kind: string;
}

/**
 * What the Kafka message key is made of, with the sentence the docs print for it. The key decides
 * ordering (one key, one partition) and therefore what may run in parallel.
 */
export const TOPIC_KEYS = {
  repository: '`provider/owner/name`: one repository’s events stay ordered, repositories run in parallel.',
  'repository-or-image':
    '`provider/owner/name` when the event names a git repository’s build, else `registry/repository` of the image.',
  'repository-or-image-digest':
    '`provider/owner/name` when the event is tied to a release, else `registry/repository@sha256:…` of the image.',
  singleton: 'A constant: the topic is a low-volume broadcast that must stay totally ordered.',
} as const;
export type TopicKey = keyof typeof TOPIC_KEYS;

/** Correlation attributes a body implies; encoded as the `ce_releaseid` and `ce_deliveryid` headers. */
export interface Correlation {
  releaseId?: string | undefined;
  deliveryId?: string | undefined;
}

/** The schema of a topic: a discriminated union on `kind`, so a consumer can switch on it exhaustively. */
export type TopicSchema = z.ZodDiscriminatedUnion<readonly z.ZodType<EventBody>[], 'kind'>;

export interface TopicDefinition<TSchema extends TopicSchema = TopicSchema> {
  /** The Kafka topic name. Renaming it needs a migration: consumers and retained data use it. */
  readonly name: string;
  /** One sentence for the generated docs. */
  readonly description: string;
  /** Which services publish to this topic. */
  readonly producedBy: readonly string[];
  /** Which services consume it. */
  readonly consumedBy: readonly string[];
  /** What the message key is made of (see `TOPIC_KEYS`). */
  readonly key: TopicKey;
  /** Why this key was chosen, when the key table alone does not say it. */
  readonly keyNote?: string;
  /** Derives the message key from a body, so no caller can pick a key that breaks ordering. */
  keyOf(body: z.infer<TSchema>): string;
  /** Derives the CloudEvents `subject` (release, repository or digest) from a body. */
  subjectOf(body: z.infer<TSchema>): string;
  /** Correlation a body implies by itself; explicit producer metadata wins over it. */
  correlationOf?(body: z.infer<TSchema>): Correlation;
  /** Upper bound of consumer parallelism for this topic (partitions × 1 consumer each). */
  readonly partitions: number;
  /** How long Kafka keeps messages; replay from the DLQ or a re-scan after a database update must fit in it. */
  readonly retentionMs: number;
  /** The body schema: a discriminated union on `kind`. Validated on produce and on consume. */
  readonly schema: TSchema;
  /** Version of every event type on this topic; a breaking change is a new topic version. */
  readonly version: number;
}

/** The body type of a topic. */
export type BodyOf<T> = T extends TopicDefinition<infer S> ? z.infer<S> : never;
/** The `kind`s a topic carries. */
export type KindOf<T> = BodyOf<T>['kind'];
/** The body of one kind of a topic, for handlers that deal with one kind. */
export type BodyOfKind<T, K extends KindOf<T>> = Extract<BodyOf<T>, { kind: K }>;

export function defineTopic<TSchema extends TopicSchema>(definition: TopicDefinition<TSchema>): TopicDefinition<TSchema> {
  return Object.freeze(definition);
}

/** One kind of a topic with its own schema (the member of the union), for docs and JSON Schema. */
export interface TopicKind {
  /** The `kind` literal. */
  readonly kind: string;
  /** The schema of bodies of this kind. */
  readonly schema: z.ZodType<EventBody>;
}

/** The kinds of a topic in declaration order. */
export function kindsOf(topic: TopicDefinition): readonly TopicKind[] {
  return topic.schema.options.map((schema) => {
    const literal = schema instanceof z.ZodObject ? schema.shape['kind'] : undefined;
    if (!(literal instanceof z.ZodLiteral) || typeof literal.value !== 'string') {
      throw new Error(`topic ${topic.name}: every member of the union needs a string literal kind`);
    }
    return { kind: literal.value, schema };
  });
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
