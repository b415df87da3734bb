import { AuditResults, CE_HEADERS, eventTypeOf, RegistryEvents, ScmEvents, SPEC_VERSION, type TopicDefinition } from '@portcullis/contracts';
import { type DeadLetter, EventPublisher, type KafkaClient, silentLogger } from '@portcullis/messaging';
import { randomUUID } from 'node:crypto';

/** The topics the poison goes to: each one's consumers must dead-letter it and carry on. */
export const POISONED_TOPICS: readonly TopicDefinition[] = [ScmEvents, RegistryEvents, AuditResults];

/** How a poison message is broken. */
export type PoisonKind =
  /** Every CloudEvents header, but the value is not JSON (not even UTF-8): `BAD_JSON`. */
  | 'undecodable'
  /** Valid JSON with the right headers that does not match the topic's schema: `SCHEMA`. */
  | 'schema-invalid'
  /** Bytes without any header at all: `MISSING_HEADER`. */
  | 'no-headers';
export const POISON_KINDS: readonly PoisonKind[] = ['undecodable', 'schema-invalid', 'no-headers'];

/** One poison message as sent. Its marker is in the value, so a dead letter is matched even without headers. */
export interface PoisonMessage {
  readonly topic: string;
  readonly kind: PoisonKind;
  /** `poison-<uuid>`: the `ce_id` (when there are headers) and a substring of the value. */
  readonly marker: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  /** The consumer groups (services) of the topic, each of which must dead-letter it. */
  readonly consumedBy: readonly string[];
}

/** Builds `count` poison messages of each kind for each topic (pure; see {@link sendPoison}). */
export function poisonMessages(count: number, owner = 'chaos'): PoisonMessage[] {
  return POISONED_TOPICS.flatMap((topic) =>
    POISON_KINDS.flatMap((kind) =>
      Array.from({ length: count }, (): PoisonMessage => {
        const marker = `poison-${randomUUID()}`;
        const key = `github/${owner}/poison`;
        const headers: Record<string, string> = {
          [CE_HEADERS.specversion]: SPEC_VERSION,
          [CE_HEADERS.id]: marker,
          [CE_HEADERS.type]: eventTypeOf(topic, 'push'),
          [CE_HEADERS.source]: '/portcullis/chaos',
          [CE_HEADERS.time]: new Date().toISOString(),
          [CE_HEADERS.subject]: key,
          [CE_HEADERS.contentType]: 'application/json',
        };
        const value =
          kind === 'schema-invalid'
            ? Buffer.from(JSON.stringify({ kind: 'push', poison: marker, repository: 'not an object' }))
            : Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x7b]), Buffer.from(marker), Buffer.from([0xc3, 0x28, 0x00])]);
        return { topic: topic.name, kind, marker, key, value, headers: kind === 'no-headers' ? {} : headers, consumedBy: topic.consumedBy };
      }),
    ),
  );
}

/** Publishes poison messages raw (bypassing the publisher's validation), as a broken producer would. */
export async function sendPoison(kafka: KafkaClient, prefix: string, messages: readonly PoisonMessage[]): Promise<void> {
  const publisher = new EventPublisher(kafka, { source: '/portcullis/chaos', topicPrefix: prefix, logger: silentLogger });
  await publisher.connect();
  try {
    await Promise.all(messages.map((m) => publisher.publishRaw(m.topic, { key: m.key, value: m.value, headers: { ...m.headers } })));
  } finally {
    await publisher.disconnect();
  }
}

/** The poison a dead letter is, if it is one (by `ce_id`, or the marker in the value). */
export function poisonOf(letter: Pick<DeadLetter, 'eventId' | 'record'>, sent: readonly PoisonMessage[]): PoisonMessage | undefined {
  const value = letter.record.value?.toString('latin1') ?? '';
  return sent.find((p) => p.marker === letter.eventId || value.includes(p.marker));
}
