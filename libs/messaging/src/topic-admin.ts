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
  // Right after a create (ours or a concurrently starting instance's), the broker can briefly
  // answer "does not host this topic-partition" or "not the leader"; kafkajs does not retry those
  // admin errors. A few short retries cover it without hiding a real outage.
  for (let attempt = 1; ; attempt += 1) {
    try {
      const report = await ensureTopicsOnce(kafka, specs, options);
      await waitForLeaders(kafka, specs.map((s) => prefixed(options.topicPrefix, s.name)));
      return report;
    } catch (error) {
      if (attempt >= 5) throw error;
      options.logger.warn({ attempt, err: (error as Error).message }, 'ensuring topics failed, retrying');
      await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
    }
  }
}

/** Polls metadata until every partition of the topics has a leader, so the first publish lands. */
async function waitForLeaders(kafka: Kafka, topics: string[], timeoutMs = 10_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.topics.filter((t) => t.partitions.some((p) => p.leader < 0));
      if (leaderless.length === 0) return;
      if (Date.now() > deadline) throw new Error(`no leader yet for ${leaderless.map((t) => t.name).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

async function ensureTopicsOnce(kafka: Kafka, specs: readonly TopicSpec[], options: EnsureTopicsOptions): Promise<EnsureTopicsReport> {
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
