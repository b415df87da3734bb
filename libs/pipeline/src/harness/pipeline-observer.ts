import { AuditResults, DeployEvents, RegistryEvents, type ReleaseTransitionEvent, ScanResults, ScmEvents } from '@portcullis/contracts';
import { followTopics, type KafkaClient, type RawRecord, type TopicFollower } from '@portcullis/messaging';
import { releaseIdOfEvent, type ThreadEvent, type ThreadEventBody } from '@portcullis/notify';

/** The topics a release's story is told on, in the order a release meets them. */
export const OBSERVED_TOPICS = [ScmEvents.name, AuditResults.name, RegistryEvents.name, ScanResults.name, DeployEvents.name] as const;

/** One event as the observer read it. */
export interface ObservedEvent {
  readonly topic: (typeof OBSERVED_TOPICS)[number];
  /** CloudEvent id (`ce_id` header). */
  readonly id: string;
  /** CloudEvent time (`ce_time` header). */
  readonly time?: string;
  readonly body: ThreadEventBody;
  /** When the observer read it (ms). */
  readonly seenAt: number;
}

/** States a release does not leave (`blocked` is not one: a later input may re-block or unblock it). */
export const SETTLED_STATES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'rolled_back', 'superseded']);

/**
 * Reads the pipeline's topics from the beginning, in its own consumer group, for as long as the
 * run lasts, and indexes every event by release. Tests, the demo and the load generator ask it
 * what happened instead of each opening a consumer per question.
 */
export class PipelineObserver {
  private readonly byRelease = new Map<string, ObservedEvent[]>();
  private readonly all: ObservedEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private follower: TopicFollower | undefined;
  private readonly positions = new Set<string>();
  private skippedRecords = 0;

  private constructor(private readonly prefix: string) {}

  /** Starts reading; resolves once the reader joined (events already on the topics are read too). */
  static async start(kafka: KafkaClient, prefix: string): Promise<PipelineObserver> {
    const observer = new PipelineObserver(prefix);
    observer.follower = await followTopics(kafka, OBSERVED_TOPICS, (record) => observer.record(record), { topicPrefix: prefix });
    return observer;
  }

  /** Records that were not a JSON event (a chaos run's poison), skipped. */
  get skipped(): number {
    return this.skippedRecords;
  }

  private record(record: RawRecord): void {
    // A reader that restarted reads from the start again: a position already seen is no new event.
    const position = `${record.topic}:${record.partition}:${record.offset}`;
    if (this.positions.has(position)) return;
    this.positions.add(position);
    // Whatever else is on the topics (undecodable bytes, a body without a kind) is counted and
    // skipped: throwing here would crash the reader into re-reading forever and blind the run.
    let body: ThreadEventBody;
    try {
      body = JSON.parse(record.value?.toString() ?? '') as ThreadEventBody;
      if (typeof body !== 'object' || body === null || typeof body.kind !== 'string') throw new Error('not an event');
    } catch {
      this.skippedRecords += 1;
      return;
    }
    const time = record.headers['ce_time'];
    const event: ObservedEvent = {
      topic: record.topic.slice(this.prefix.length) as ObservedEvent['topic'],
      id: record.headers['ce_id'] ?? '',
      ...(time === undefined ? {} : { time }),
      body,
      seenAt: Date.now(),
    };
    this.all.push(event);
    let releaseId: string | undefined;
    try {
      releaseId = releaseIdOfEvent(body);
    } catch {
      // A schema-invalid body (poison with a kind but no repository) belongs to no release.
      releaseId = undefined;
    }
    if (releaseId !== undefined) {
      const list = this.byRelease.get(releaseId) ?? [];
      list.push(event);
      this.byRelease.set(releaseId, list);
    }
    for (const wake of this.waiters) wake();
  }

  /** Every event read so far, in reading order. */
  events(): readonly ObservedEvent[] {
    return this.all;
  }

  /** The events of one release (every topic), in reading order. */
  eventsOf(releaseId: string): readonly ObservedEvent[] {
    return this.byRelease.get(releaseId) ?? [];
  }

  /** The same events as the notifier folds them (`foldEvents`), deduplicated by CloudEvent id. */
  threadEventsOf(releaseId: string): ThreadEvent[] {
    const seen = new Set<string>();
    return this.eventsOf(releaseId)
      .filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)))
      .map((e) => ({ id: e.id, ...(e.time === undefined ? {} : { time: e.time }), body: e.body }));
  }

  /** `deploy.events` transitions of a release (optionally in one environment), by sequence. */
  transitions(releaseId: string, environment?: string): ReleaseTransitionEvent[] {
    const seen = new Set<string>();
    return this.eventsOf(releaseId)
      .filter((e) => e.topic === DeployEvents.name && e.body.kind === 'release.transition')
      .map((e) => e.body as ReleaseTransitionEvent)
      .filter((t) => (environment === undefined || t.environment === environment) && (seen.has(`${t.environment}:${t.sequence}`) ? false : (seen.add(`${t.environment}:${t.sequence}`), true)))
      .sort((a, b) => a.sequence - b.sequence);
  }

  /**
   * Resolves with `check()`'s value once it returns one (not `undefined`), re-checking as events
   * arrive and every 500 ms (for state outside Kafka: Slack, the cluster); rejects after `timeoutMs`
   * with `describe()`.
   */
  async waitFor<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, describe: () => string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(500, left));
        this.waiters.add(wake);
      });
    }
  }

  async stop(): Promise<void> {
    await this.follower?.stop();
  }
}
