import {
  DELIVERY_HEADERS,
  companionTopics,
  decodeEvent,
  type BodyOf,
  type CloudEvent,
  type TopicDefinition,
} from '@portcullis/contracts';
import { codeOf, reasonOf } from '@portcullis/errors';
import { newTraceContext, parseTraceparent, runWithTrace } from '@portcullis/observability';
import type { Batch, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { EventPublisher } from './event-publisher.js';
import { HandlerDeadlines } from './handler-deadlines.js';
import { prefixed } from './kafka-connection.js';
import { messagingMetricsFor, type HandledOutcome, type MessagingMetrics } from './messaging.metrics.js';
import type { IdempotencyStore, MessagingLogger } from './ports.js';
import { DEFAULT_RETRY_POLICY, decideOnFailure, type RetryPolicyOptions } from './retry.policy.js';

/** What a handler learns about the delivery besides the event itself. */
export interface DeliveryContext {
  topic: string;
  partition: number;
  offset: string;
  /** 1 on first delivery, incremented by every retry. */
  attempt: number;
  /** Aborted when the consumer shuts down or the handler exceeds its time budget. */
  signal: AbortSignal;
}

export type EventHandler<T extends TopicDefinition> = (event: CloudEvent<BodyOf<T>>, context: DeliveryContext) => Promise<void>;

export interface EventConsumerOptions {
  /** Consumer group; each service has one, and every instance of the service joins it. */
  groupId: string;
  topicPrefix?: string;
  retry?: Partial<RetryPolicyOptions>;
  /** Partitions handled at once by one instance. */
  partitionsConcurrently?: number;
  /** Messages with different keys handled at once within one partition; one key is always sequential. */
  keysConcurrently?: number;
  /** How often a long handler heartbeats so the group does not evict it. */
  heartbeatIntervalMs?: number;
  sessionTimeoutMs?: number;
  /** How long the group waits for this member to rejoin during a rebalance (>= the longest handler). */
  rebalanceTimeoutMs?: number;
  /** Longest a fetch waits for data; bounds how late a paused retry partition is picked up again. */
  maxWaitTimeMs?: number;
  /** Abort a handler after this long and treat it as a transient failure. */
  handlerTimeoutMs?: number;
  /** Skip events already processed by this group (by `ce_id`). */
  idempotency?: { store: IdempotencyStore; ttlMs: number };
  /** Publishes retry and dead-letter copies; must be connected before `start`. */
  publisher: EventPublisher;
  logger: MessagingLogger;
  metrics?: Registry;
}

interface Subscription {
  topic: TopicDefinition;
  handler: EventHandler<TopicDefinition>;
}

/**
 * Headers as strings, converted once per message: the envelope, retry and DLQ paths read them many
 * times, and kafkajs hands over Buffers.
 */
function toStringHeaders(raw: KafkaMessage['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  if (!raw) return result;
  for (const name in raw) {
    const value = raw[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = typeof first === 'string' ? first : first.toString();
  }
  return result;
}

type Outcome = { kind: 'done'; outcome: HandledOutcome } | { kind: 'defer'; untilMs: number };

/**
 * Consumer core: at-least-once delivery into handlers, with retry topics, dead-lettering and
 * idempotency, so a poison message never blocks its partition and nothing is silently dropped.
 *
 * Offsets: kafkajs auto-commit is on, auto-resolve is off, and we resolve an offset only when
 * every message up to it finished (handled, retried, or dead-lettered). So only finished work is
 * ever committed; a crash redelivers the unfinished rest to another member.
 */
export class EventConsumer {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly consumer: Consumer;
  private readonly policy: RetryPolicyOptions;
  private readonly metrics: MessagingMetrics | undefined;
  private readonly deadlines: HandlerDeadlines;
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  /** Idempotency writes still in flight, per topic-partition (they never reject). */
  private readonly pendingMarks = new Map<string, Promise<void>>();
  private readonly handledChildren = new Map<string, { inc(): void }>();
  private readonly durationChildren = new Map<string, { observe(value: number): void }>();
  private readonly lagChildren = new Map<string, { set(value: number): void }>();
  private running = false;
  private crashed: Error | undefined;

  constructor(
    kafka: Kafka,
    private readonly options: EventConsumerOptions,
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.deadlines = new HandlerDeadlines(options.handlerTimeoutMs ?? 15 * 60_000);
    this.metrics = options.metrics ? messagingMetricsFor(options.metrics) : undefined;
    this.consumer = kafka.consumer({
      groupId: prefixed(options.topicPrefix, options.groupId),
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload as { error: Error; restart: boolean };
      this.options.logger.error({ err: error.message, restart }, 'consumer crashed');
      if (!restart) this.crashed = error;
    });
  }

  /** Registers the handler of a topic. Call before `start`. */
  subscribe<T extends TopicDefinition>(topic: T, handler: EventHandler<T>): this {
    if (this.running) throw new Error('subscribe before start');
    if (this.subscriptions.has(topic.name)) throw new Error(`topic ${topic.name} already has a handler`);
    this.subscriptions.set(topic.name, { topic, handler: handler as EventHandler<TopicDefinition> });
    return this;
  }

  get topics(): string[] {
    return [...this.subscriptions.keys()];
  }

  /** True while the consumer runs and has not crashed for good (for /readyz). */
  get isHealthy(): boolean {
    return this.running && this.crashed === undefined;
  }

  async start(): Promise<void> {
    if (this.subscriptions.size === 0) throw new Error('no subscriptions');
    await this.consumer.connect();
    const topics = [...this.subscriptions.keys()].flatMap((name) => [
      prefixed(this.options.topicPrefix, name),
      prefixed(this.options.topicPrefix, companionTopics.retryOf(name)),
    ]);
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 4,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.running = true;
  }

  /**
   * Stops fetching, lets in-flight handlers finish (their offsets are committed), aborts those
   * that do not finish in time, and leaves the group so partitions move to another member at once.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    const abortLater = setTimeout(() => this.deadlines.close(new Error('consumer shutting down')), 10_000);
    try {
      await this.consumer.stop();
      await this.consumer.disconnect();
      await Promise.all(this.pendingMarks.values());
    } finally {
      clearTimeout(abortLater);
      this.deadlines.close(new Error('consumer stopped'));
    }
  }

  private unprefix(topic: string): string {
    const prefix = this.options.topicPrefix ?? '';
    return prefix && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const name = this.unprefix(batch.topic);
    const isRetryTopic = name.endsWith('.retry');
    const mainName = isRetryTopic ? name.slice(0, -'.retry'.length) : name;
    const subscription = this.subscriptions.get(mainName);
    if (!subscription) return;

    // A handler may run for minutes (an image scan). kafkajs heartbeats only between batches, so
    // keep the membership alive ourselves; the call is throttled to heartbeatInterval by kafkajs.
    const heartbeat = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => this.options.logger.warn({ err: reasonOf(error) }, 'heartbeat failed'));
    }, this.options.heartbeatIntervalMs ?? 3_000);
    // Everything from the batch's first message up to the high watermark is waiting; the gauge
    // falls as messages are processed (see recordLag), not when the batch is merely fetched.
    if (batch.messages.length > 0) this.recordLag(batch, batch.messages[0]!.offset);
    try {
      if (isRetryTopic) await this.processRetryBatch(payload, subscription);
      else await this.processMainBatch(payload, subscription);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Main topics: keys in parallel, one key in order; resolve the finished prefix as it grows. */
  private async processMainBatch(payload: EachBatchPayload, subscription: Subscription): Promise<void> {
    const { batch } = payload;
    const messages = batch.messages;
    const headers = messages.map((m) => toStringHeaders(m.headers));
    const partitionKey = `${batch.topic}:${batch.partition}`;
    const processed = await this.findProcessed(headers, partitionKey);
    const marks: string[] = [];
    const finished = new Array<boolean>(messages.length).fill(false);
    let watermark = 0;
    const markFinished = (index: number) => {
      finished[index] = true;
      while (watermark < messages.length && finished[watermark]) watermark += 1;
      if (watermark > 0) {
        payload.resolveOffset(messages[watermark - 1]!.offset);
        this.recordLag(batch, String(Number(messages[watermark - 1]!.offset) + 1));
      }
    };

    const lanes = new Map<string, number[]>();
    messages.forEach((message, index) => {
      const key = message.key?.toString() ?? `__nokey:${index}`;
      const lane = lanes.get(key) ?? [];
      lane.push(index);
      lanes.set(key, lane);
    });
    const queue = [...lanes.values()];
    const workers = Math.max(1, Math.min(this.options.keysConcurrently ?? 8, queue.length));
    const runLane = async (): Promise<void> => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        for (const index of lane) {
          if (!payload.isRunning() || payload.isStale()) return;
          const message = messages[index]!;
          const result = await this.processOne(batch, message, headers[index]!, subscription, false, processed, marks);
          if (result.kind === 'done') markFinished(index);
        }
      }
    };
    // allSettled: a lane whose retry hand-off failed must not leave the others running after the
    // batch is over. Its message stays unresolved and kafkajs redelivers it.
    const results = await Promise.allSettled(Array.from({ length: workers }, runLane));
    // Written behind: kafkajs commits and fetches the next batch meanwhile, and the next batch of
    // this partition waits for it before its own look-up (see findProcessed).
    this.markBehind(partitionKey, marks);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Retry topics: strictly in order. A message whose time has not come pauses the partition
   * until it has; the unresolved message is fetched again after the resume.
   */
  private async processRetryBatch(payload: EachBatchPayload, subscription: Subscription): Promise<void> {
    const { batch } = payload;
    const headers = batch.messages.map((m) => toStringHeaders(m.headers));
    const partitionKey = `${batch.topic}:${batch.partition}`;
    const processed = await this.findProcessed(headers, partitionKey);
    const marks: string[] = [];
    try {
      await this.processRetryMessages(payload, subscription, headers, processed, marks);
    } finally {
      this.markBehind(partitionKey, marks);
    }
  }

  private async processRetryMessages(
    payload: EachBatchPayload,
    subscription: Subscription,
    headers: Record<string, string>[],
    processed: Set<string>,
    marks: string[],
  ): Promise<void> {
    const { batch } = payload;
    for (const [index, message] of batch.messages.entries()) {
      if (!payload.isRunning() || payload.isStale()) return;
      const result = await this.processOne(batch, message, headers[index]!, subscription, true, processed, marks);
      if (result.kind === 'defer') {
        const resume = payload.pause();
        const timer = setTimeout(() => {
          this.resumeTimers.delete(timer);
          resume();
        }, Math.max(0, result.untilMs - Date.now()));
        this.resumeTimers.add(timer);
        return;
      }
      payload.resolveOffset(message.offset);
      this.recordLag(batch, String(Number(message.offset) + 1));
    }
  }

  private async findProcessed(headers: Record<string, string>[], partitionKey: string): Promise<Set<string>> {
    if (!this.options.idempotency) return new Set();
    // The previous batch's marks land first: a duplicate in this batch must see them.
    await this.pendingMarks.get(partitionKey);
    const ids = headers.map((h) => h['ce_id']).filter((id): id is string => !!id);
    if (ids.length === 0) return new Set();
    const found = await this.options.idempotency.store.findProcessed(ids.map((id) => this.idempotencyKey(id)));
    return new Set(ids.filter((id) => found.has(this.idempotencyKey(id))));
  }

  /**
   * One write for the whole batch instead of one round trip per message on its lane's critical
   * path, and off the fetch path (markBehind). A crash before it lands can repeat those handlers
   * once, which handlers tolerate (ADR 0002); losing the write only risks a repeat, never a message.
   */
  private async markProcessed(keys: string[]): Promise<void> {
    if (!this.options.idempotency || keys.length === 0) return;
    await this.options.idempotency.store
      .markProcessed(keys, this.options.idempotency.ttlMs)
      .catch((error: unknown) => this.options.logger.warn({ err: reasonOf(error), events: keys.length }, 'could not mark events processed'));
  }

  private markBehind(partitionKey: string, keys: string[]): void {
    if (keys.length === 0) return;
    const previous = this.pendingMarks.get(partitionKey) ?? Promise.resolve();
    const next = previous.then(() => this.markProcessed(keys));
    this.pendingMarks.set(partitionKey, next);
    void next.finally(() => {
      if (this.pendingMarks.get(partitionKey) === next) this.pendingMarks.delete(partitionKey);
    });
  }

  private idempotencyKey(eventId: string): string {
    return `processed:${this.options.groupId}:${eventId}`;
  }

  /**
   * Handles one message to completion: handler success, duplicate skip, retry-topic hand-off or
   * dead-letter. Throws only when Kafka itself cannot take the retry/DLQ copy, so that kafkajs
   * redelivers the batch from the last resolved offset instead of us dropping the message.
   */
  private async processOne(
    batch: Batch,
    message: KafkaMessage,
    headers: Record<string, string>,
    subscription: Subscription,
    fromRetryTopic: boolean,
    alreadyProcessed: Set<string>,
    marks: string[],
  ): Promise<Outcome> {
    const topic = subscription.topic.name;
    const group = this.options.groupId;
    if (fromRetryTopic) {
      // One retry topic serves every group consuming the main topic; take only our own.
      if (headers[DELIVERY_HEADERS.consumerGroup] !== group) return this.count(topic, 'skipped');
      const notBefore = Number(headers[DELIVERY_HEADERS.notBefore] ?? 0);
      if (notBefore > Date.now()) return { kind: 'defer', untilMs: notBefore };
    }
    const attempt = Math.max(1, Number(headers[DELIVERY_HEADERS.attempt] ?? 1) || 1);
    const reschedules = Math.max(0, Number(headers[DELIVERY_HEADERS.reschedules] ?? 0) || 0);

    const decoded = decodeEvent(subscription.topic, { headers, value: message.value });
    if (!decoded.ok) {
      await this.deadLetter(topic, batch.partition, message, headers, `INVALID_${decoded.code}`, decoded.reason, attempt);
      return this.count(topic, 'dead_lettered');
    }
    const event = decoded.event;
    if (alreadyProcessed.has(event.id)) return this.count(topic, 'duplicate');

    const trace = (event.traceparent && parseTraceparent(event.traceparent)) || newTraceContext();
    const started = process.hrtime.bigint();
    const inFlight = this.deadlines.begin();
    try {
      await runWithTrace(trace, () =>
        Promise.race([
          subscription.handler(event, { topic, partition: batch.partition, offset: message.offset, attempt, signal: inFlight.signal }),
          inFlight.expired,
        ]),
      );
      if (this.options.idempotency) marks.push(this.idempotencyKey(event.id));
      // A duplicate in the same batch arrives in the same lane (same key), after this one.
      alreadyProcessed.add(event.id);
      return this.count(topic, 'success');
    } catch (error) {
      const decision = decideOnFailure(error, { attempt, reschedules }, this.policy);
      const logFields = { topic, eventId: event.id, attempt, code: codeOf(error), err: reasonOf(error) };
      if (decision.action === 'dead-letter') {
        this.options.logger.error({ ...logFields, reason: decision.reason }, 'event dead-lettered');
        await this.deadLetter(topic, batch.partition, message, headers, `${decision.reason.toUpperCase()}:${codeOf(error)}`, reasonOf(error), attempt);
        return this.count(topic, 'dead_lettered');
      }
      this.options.logger.warn({ ...logFields, delayMs: decision.delayMs }, 'event scheduled for retry');
      await this.options.publisher.publishRaw(companionTopics.retryOf(topic), {
        key: message.key,
        value: message.value,
        headers: {
          ...this.originalHeaders(headers),
          [DELIVERY_HEADERS.consumerGroup]: group,
          [DELIVERY_HEADERS.originalTopic]: topic,
          [DELIVERY_HEADERS.originalPartition]: headers[DELIVERY_HEADERS.originalPartition] ?? String(batch.partition),
          [DELIVERY_HEADERS.originalOffset]: headers[DELIVERY_HEADERS.originalOffset] ?? message.offset,
          [DELIVERY_HEADERS.attempt]: String(decision.attempt),
          [DELIVERY_HEADERS.reschedules]: String(decision.reschedules),
          [DELIVERY_HEADERS.notBefore]: String(Date.now() + decision.delayMs),
          [DELIVERY_HEADERS.errorCode]: codeOf(error),
          [DELIVERY_HEADERS.errorReason]: reasonOf(error),
        },
      });
      return this.count(topic, decision.reschedules > reschedules ? 'rescheduled' : 'retried');
    } finally {
      this.deadlines.end(inFlight);
      this.observeDuration(topic, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    headers: Record<string, string>,
    code: string,
    reason: string,
    attempt: number,
  ): Promise<void> {
    const original = this.originalHeaders(headers);
    await this.options.publisher.publishRaw(companionTopics.dlqOf(topic), {
      key: message.key,
      value: message.value,
      headers: {
        ...original,
        [DELIVERY_HEADERS.consumerGroup]: this.options.groupId,
        [DELIVERY_HEADERS.attempt]: String(attempt),
        [DELIVERY_HEADERS.originalTopic]: topic,
        // The first failure's position survives retries: it identifies the message for operators.
        [DELIVERY_HEADERS.originalPartition]: headers[DELIVERY_HEADERS.originalPartition] ?? String(partition),
        [DELIVERY_HEADERS.originalOffset]: headers[DELIVERY_HEADERS.originalOffset] ?? message.offset,
        [DELIVERY_HEADERS.errorCode]: code,
        [DELIVERY_HEADERS.errorReason]: reason,
        [DELIVERY_HEADERS.failedAt]: new Date().toISOString(),
      },
    });
    this.metrics?.deadLettered.inc({ topic, group: this.options.groupId, reason: code.split(':')[0]! });
  }

  /** Copies headers through, dropping our delivery bookkeeping so it is rewritten cleanly. */
  private originalHeaders(headers: Record<string, string>): IHeaders {
    const bookkeeping = new Set<string>([
      DELIVERY_HEADERS.attempt,
      DELIVERY_HEADERS.reschedules,
      DELIVERY_HEADERS.notBefore,
      DELIVERY_HEADERS.consumerGroup,
      DELIVERY_HEADERS.errorCode,
      DELIVERY_HEADERS.errorReason,
    ]);
    const copy: IHeaders = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!bookkeeping.has(name)) copy[name] = value;
    }
    return copy;
  }

  private count(topic: string, outcome: HandledOutcome): Outcome {
    if (this.metrics) {
      // Label lookups per message show in profiles; the children are cached per topic and outcome.
      const key = `${topic}\u0000${outcome}`;
      let child = this.handledChildren.get(key);
      if (!child) {
        child = this.metrics.handled.labels(topic, this.options.groupId, outcome);
        this.handledChildren.set(key, child);
      }
      child.inc();
    }
    return { kind: 'done', outcome };
  }

  private observeDuration(topic: string, seconds: number): void {
    if (!this.metrics) return;
    let child = this.durationChildren.get(topic);
    if (!child) {
      child = this.metrics.handlerDuration.labels(topic, this.options.groupId);
      this.durationChildren.set(topic, child);
    }
    child.observe(seconds);
  }

  /**
   * Lag of a partition: messages from the next one this group has still to process (`nextOffset`)
   * up to the high watermark the batch was fetched with. Set when a batch starts (all of it is
   * waiting) and after each processed message, so a batch that holds the whole backlog still shows
   * it until it is worked off. Messages produced after the fetch count from the next batch on.
   */
  private recordLag(batch: Batch, nextOffset: string): void {
    if (!this.metrics) return;
    const key = `${batch.topic}\u0000${batch.partition}`;
    let child = this.lagChildren.get(key);
    if (!child) {
      child = this.metrics.consumerLag.labels(this.unprefix(batch.topic), String(batch.partition), this.options.groupId);
      this.lagChildren.set(key, child);
    }
    child.set(Math.max(0, Number(batch.highWatermark) - Number(nextOffset)));
  }
}
