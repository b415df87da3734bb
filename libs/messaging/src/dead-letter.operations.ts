import { DELIVERY_HEADERS, companionTopics } from '@portcullis/contracts';
import type { Kafka } from 'kafkajs';
import type { EventPublisher } from './event-publisher.js';
import { readTopic, type RawRecord } from './topic-reader.js';

/** One dead-lettered message, as an operator needs to see it (no body: it is shown on request). */
export interface DeadLetter {
  offset: string;
  eventId: string | undefined;
  type: string | undefined;
  subject: string | undefined;
  releaseId: string | undefined;
  consumerGroup: string | undefined;
  attempt: number | undefined;
  errorCode: string | undefined;
  errorReason: string | undefined;
  failedAt: string | undefined;
  record: RawRecord;
}

export interface DeadLetterFilter {
  /** Only entries of this consumer group. */
  group?: string;
  /** Only these event ids. */
  eventIds?: readonly string[];
  limit?: number;
}

const toDeadLetter = (record: RawRecord): DeadLetter => {
  const h = record.headers;
  const attempt = h[DELIVERY_HEADERS.attempt];
  return {
    offset: record.offset,
    eventId: h['ce_id'],
    type: h['ce_type'],
    subject: h['ce_subject'],
    releaseId: h['ce_releaseid'],
    consumerGroup: h[DELIVERY_HEADERS.consumerGroup],
    attempt: attempt === undefined ? undefined : Number(attempt),
    errorCode: h[DELIVERY_HEADERS.errorCode],
    errorReason: h[DELIVERY_HEADERS.errorReason],
    failedAt: h[DELIVERY_HEADERS.failedAt],
    record,
  };
};

/** Lists the dead letters of a main topic (`<topic>.dlq`), oldest first. */
export async function listDeadLetters(kafka: Kafka, topic: string, filter: DeadLetterFilter & { topicPrefix?: string } = {}): Promise<DeadLetter[]> {
  const records = await readTopic(kafka, companionTopics.dlqOf(topic), { topicPrefix: filter.topicPrefix });
  const wanted = filter.eventIds ? new Set(filter.eventIds) : undefined;
  return records
    .map(toDeadLetter)
    .filter((d) => (!filter.group || d.consumerGroup === filter.group) && (!wanted || (d.eventId !== undefined && wanted.has(d.eventId))))
    .slice(0, filter.limit ?? Number.MAX_SAFE_INTEGER);
}

/**
 * Sends dead letters back through their group's retry topic with a fresh attempt budget. Only
 * the group that failed handles them again (the entry names it), and the event keeps its id, so a
 * replay of something that meanwhile succeeded is skipped by the idempotency guard.
 * The DLQ itself is append-only: a replayed entry stays there, marked by the replay's headers on
 * the retry copy (`pc_replayed_from_offset`).
 */
export async function replayDeadLetters(publisher: EventPublisher, topic: string, letters: readonly DeadLetter[]): Promise<number> {
  const bookkeeping = new Set<string>(Object.values(DELIVERY_HEADERS));
  await Promise.all(
    letters.map((letter) => {
      if (!letter.consumerGroup) throw new Error(`dead letter at offset ${letter.offset} names no consumer group; cannot replay`);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(letter.record.headers)) if (!bookkeeping.has(name)) headers[name] = value;
      return publisher.publishRaw(companionTopics.retryOf(topic), {
        key: letter.record.key ?? null,
        value: letter.record.value,
        headers: {
          ...headers,
          [DELIVERY_HEADERS.consumerGroup]: letter.consumerGroup,
          [DELIVERY_HEADERS.attempt]: '1',
          [DELIVERY_HEADERS.notBefore]: String(Date.now()),
          [DELIVERY_HEADERS.originalTopic]: topic,
          ...(letter.record.headers[DELIVERY_HEADERS.originalPartition] && {
            [DELIVERY_HEADERS.originalPartition]: letter.record.headers[DELIVERY_HEADERS.originalPartition],
          }),
          ...(letter.record.headers[DELIVERY_HEADERS.originalOffset] && {
            [DELIVERY_HEADERS.originalOffset]: letter.record.headers[DELIVERY_HEADERS.originalOffset],
          }),
          pc_replayed_from_offset: letter.offset,
        },
      });
    }),
  );
  return letters.length;
}
