import { type KafkaClient } from '@portcullis/messaging';

/** Unconsumed messages of one consumer group, per topic (unprefixed names). */
export interface GroupLag {
  readonly group: string;
  readonly total: number;
  readonly byTopic: Readonly<Record<string, number>>;
}

/**
 * The lag of every consumer group of the run (groups named with the run's prefix; the observers'
 * and readers' throw-away groups are not the services'), as committed offsets behind the end of
 * each partition. A partition the group never committed counts from its start, so a group that
 * has not read anything yet shows all of it.
 */
export async function consumerLag(kafka: KafkaClient, prefix: string): Promise<GroupLag[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const ours = groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
    const ends = new Map<string, Map<number, { low: number; high: number }>>();
    const endsOf = async (topic: string) => {
      let partitions = ends.get(topic);
      if (!partitions) {
        const offsets = await admin.fetchTopicOffsets(topic);
        partitions = new Map(offsets.map((p) => [p.partition, { low: Number(p.low), high: Number(p.high) }]));
        ends.set(topic, partitions);
      }
      return partitions;
    };
    const lags: GroupLag[] = [];
    for (const group of ours.sort()) {
      const committed = await admin.fetchOffsets({ groupId: group });
      const byTopic: Record<string, number> = {};
      let total = 0;
      for (const { topic, partitions } of committed) {
        const end = await endsOf(topic);
        let lag = 0;
        for (const p of partitions) {
          const e = end.get(p.partition);
          if (!e) continue;
          const at = Number(p.offset) < 0 ? e.low : Number(p.offset);
          lag += Math.max(0, e.high - at);
        }
        byTopic[topic.slice(prefix.length)] = lag;
        total += lag;
      }
      lags.push({ group: group.slice(prefix.length), total, byTopic });
    }
    return lags;
  } finally {
    await admin.disconnect();
  }
}

/** Total lag over all the groups. */
export const totalLag = (lags: readonly GroupLag[]): number => lags.reduce((sum, g) => sum + g.total, 0);
