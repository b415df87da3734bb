import type { Kafka } from 'kafkajs';
import { prefixed } from './kafka-connection.js';
import type { MessagingLogger } from './ports.js';

/** A topic to exist, as libs/contracts describes it (main, retry or DLQ). */
export interface TopicSpec {
  name: string;
  partitions: number;
  retentionMs: number;
}

export interface EnsureTopicsOptions {
  topicPrefix?: string;
  /** Replication factor for new topics; 1 for the local stack, 3 in production. */
  replicationFactor?: number;
  logger: MessagingLogger;
}

export interface EnsureTopicsReport {
  created: string[];
  grown: string[];
  unchanged: string[];
}

/**
 * Creates missing topics and grows partition counts that are below the registry's. Idempotent
 * and safe when several instances start at once: "already exists" is success. Never shrinks or
 * deletes anything: Kafka cannot shrink partitions and deleting data is an operator decision.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[], options: EnsureTopicsOptions): Promise<EnsureTopicsReport> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = specs.map((s) => ({ ...s, name: prefixed(options.topicPrefix, s.name) }));
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((s) => !existing.has(s.name));
    const report: EnsureTopicsReport = { created: [], grown: [], unchanged: [] };
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: options.replicationFactor ?? 1,
          configEntries: [
            { name: 'retention.ms', value: String(s.retentionMs) },
            { name: 'cleanup.policy', value: 'delete' },
          ],
        })),
      });
      report.created.push(...missing.map((s) => s.name));
    }
    const present = wanted.filter((s) => existing.has(s.name));
    if (present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
      const counts = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
      const toGrow = present.filter((s) => (counts.get(s.name) ?? 0) < s.partitions);
      if (toGrow.length > 0) {
        await admin.createPartitions({ topicPartitions: toGrow.map((s) => ({ topic: s.name, count: s.partitions })) });
        report.grown.push(...toGrow.map((s) => s.name));
      }
      report.unchanged.push(...present.filter((s) => !toGrow.includes(s)).map((s) => s.name));
    }
    options.logger.info({ created: report.created.length, grown: report.grown.length, unchanged: report.unchanged.length }, 'topics ensured');
    return report;
  } finally {
    await admin.disconnect();
  }
}
