import type { Kafka, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { prefixed } from './kafka-connection.js';

/** A message as read back from a topic, headers decoded to strings. */
export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

export interface ReadTopicOptions {
  topicPrefix?: string;
  /** Stop after this many records. */
  maxRecords?: number;
  /** Stop when no new record arrived for this long after the last one (or after the start). */
  idleMs?: number;
  /** Hard upper bound of the whole read. */
  timeoutMs?: number;
}

/** Decodes one kafkajs message into a record (headers as strings, the first of repeated ones). */
function toRecord(topic: string, partition: number, message: KafkaMessage): RawRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first.toString();
  }
  return { topic, partition, offset: message.offset, key: message.key?.toString(), value: message.value, headers, timestamp: message.timestamp };
}

/**
 * Reads a topic from the beginning without joining any service's consumer group and without
 * committing anything: for operators (DLQ listing and replay) and tests. Uses a throw-away
 * group so the read never disturbs the services' offsets.
 */
export async function readTopic(kafka: Kafka, topic: string, options: ReadTopicOptions = {}): Promise<RawRecord[]> {
  return readTopics(kafka, [topic], options);
}

/** {@link readTopic} over several topics at once (one throw-away group, one join). */
export async function readTopics(kafka: Kafka, topics: readonly string[], options: ReadTopicOptions = {}): Promise<RawRecord[]> {
  const fullTopics = topics.map((topic) => prefixed(options.topicPrefix, topic));
  const consumer = kafka.consumer({ groupId: `portcullis-reader-${randomUUID()}`, allowAutoTopicCreation: false });
  const records: RawRecord[] = [];
  const maxRecords = options.maxRecords ?? 10_000;
  const idleMs = options.idleMs ?? 1_500;
  await consumer.connect();
  try {
    const admin = kafka.admin();
    await admin.connect();
    let total = 0;
    try {
      for (const fullTopic of fullTopics) {
        // A topic created moments ago can answer "not the leader" for a short while even after its
        // metadata shows a leader; kafkajs does not retry that on this admin call.
        for (let attempt = 1; ; attempt += 1) {
          try {
            const offsets = await admin.fetchTopicOffsets(fullTopic);
            total += offsets.reduce((sum, p) => sum + (Number(p.high) - Number(p.low)), 0);
            break;
          } catch (error) {
            if (attempt >= 10 || !(error as { retriable?: boolean }).retriable) throw error;
            await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
          }
        }
      }
    } finally {
      await admin.disconnect();
    }
    if (total === 0) return records;
    await consumer.subscribe({ topics: fullTopics, fromBeginning: true });
    await new Promise<void>((resolve) => {
      let idle = setTimeout(resolve, Math.max(idleMs, 10_000));
      const hard = setTimeout(resolve, options.timeoutMs ?? 30_000);
      const finish = () => {
        clearTimeout(idle);
        clearTimeout(hard);
        resolve();
      };
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic: t, partition, message }) => {
          if (records.length >= maxRecords) return;
          records.push(toRecord(t, partition, message));
          clearTimeout(idle);
          if (records.length >= Math.min(maxRecords, total)) finish();
          else idle = setTimeout(finish, idleMs);
        },
      });
    });
    return records;
  } finally {
    await consumer.disconnect();
  }
}

/** A live read started by {@link followTopics}. */
export interface TopicFollower {
  stop(): Promise<void>;
}

/**
 * Reads topics from the beginning and keeps reading new records as they arrive, in a throw-away
 * group that commits nothing, until `stop()`: for harnesses and tools that watch a pipeline run.
 * Resolves once the consumer has joined (records already on the topics are delivered too).
 */
export async function followTopics(
  kafka: Kafka,
  topics: readonly string[],
  onRecord: (record: RawRecord) => void,
  options: Pick<ReadTopicOptions, 'topicPrefix'> = {},
): Promise<TopicFollower> {
  const consumer = kafka.consumer({ groupId: `portcullis-follower-${randomUUID()}`, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: topics.map((topic) => prefixed(options.topicPrefix, topic)), fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => onRecord(toRecord(topic, partition, message)),
    });
    await joined;
  } catch (error) {
    await consumer.disconnect();
    throw error;
  }
  return { stop: () => consumer.disconnect() };
}
