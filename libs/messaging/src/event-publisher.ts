import { encodeEvent, type BodyOf, type TopicDefinition } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { childOf, currentTrace, formatTraceparent, newTraceContext } from '@portcullis/observability';
import { Partitioners, type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';
import type { Registry } from 'prom-client';
import { prefixed } from './kafka-connection.js';
import { messagingMetricsFor, type MessagingMetrics } from './messaging.metrics.js';
import type { MessagingLogger } from './ports.js';

export class PublishError extends PortcullisError<'PUBLISH_FAILED' | 'PUBLISHER_CLOSED' | 'PUBLISH_TIMEOUT'> {}

export interface EventPublisherOptions {
  /** CloudEvents `source` of everything this process publishes, e.g. `/portcullis/webhook-intake`. */
  source: string;
  topicPrefix?: string;
  /** Messages per produce request. */
  maxBatchSize?: number;
  /**
   * Bytes (keys, values, headers) per produce request. Kafka rejects a whole record batch above
   * the broker's `message.max.bytes` (1 MiB by default), failing every publish in it; a burst of
   * 1 KiB events to a one-partition topic reaches that at ~750 messages. A single larger message
   * is still sent, alone.
   */
  maxBatchBytes?: number;
  /** Produce requests in flight at once. */
  maxInFlight?: number;
  /**
   * Messages waiting for a produce request. Further publishes wait (before encoding) until there is
   * room, so a burst of publishes costs bounded memory and pushes back on its callers.
   */
  maxQueued?: number;
  /** Reject a publish that Kafka has not acknowledged after this long. */
  publishTimeoutMs?: number;
  logger: MessagingLogger;
  metrics?: Registry;
}

export interface PublishOptions {
  /** Event id; set it when re-publishing the same fact so consumers deduplicate it. */
  id?: string;
  releaseId?: string;
  deliveryId?: string;
  traceparent?: string;
  time?: Date;
}

interface Pending {
  topic: string;
  message: Message;
  bytes: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Publishes events with `acks=all` and resolves only after the broker acknowledged them.
 *
 * Concurrent publishes are coalesced into one `sendBatch` per tick: awaiting one `send` at a time
 * caps out near 2k msg/s, because every call is a full produce round trip. Batching keeps the
 * per-call contract (your promise settles with your message's fate) at batch throughput.
 *
 * Not kafkajs's idempotent producer (experimental, kafkajs#598, and it forces one request in
 * flight): duplicates from producer retries keep their `ce_id` and are removed by the consumer's
 * idempotency guard (docs/adr/0002-delivery-guarantees.md).
 */
export class EventPublisher {
  private readonly producer: Producer;
  private readonly metrics: MessagingMetrics | undefined;
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private connected = false;
  private closing = false;
  private readonly idle: (() => void)[] = [];
  private readonly roomWaiters: (() => void)[] = [];
  /** Publishes admitted by waitForRoom that have not reached the queue yet (encoding). */
  private reserved = 0;

  constructor(
    kafka: Kafka,
    private readonly options: EventPublisherOptions,
  ) {
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      // The Java client's murmur2 partitioner (kafkajs v2's default, named to silence its warning):
      // a repository lands on the same partition whichever client produced it.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Short, bounded retries (leader moves, a fresh topic's first election): a few seconds at most,
      // well inside publishTimeoutMs, so a real outage still surfaces fast.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    this.metrics = options.metrics ? messagingMetricsFor(options.metrics) : undefined;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  get isConnected(): boolean {
    return this.connected && !this.closing;
  }

  /** Validates, encodes and publishes one event; resolves with its id once Kafka acknowledged it. */
  async publish<T extends TopicDefinition>(topic: T, body: BodyOf<T>, options: PublishOptions = {}): Promise<{ id: string }> {
    await this.waitForRoom();
    let encoded: ReturnType<typeof encodeEvent>;
    try {
      const trace = currentTrace();
      const traceparent = options.traceparent ?? formatTraceparent(trace ? childOf(trace) : newTraceContext());
      encoded = encodeEvent(topic, body, { ...options, traceparent, source: this.options.source });
    } catch (error) {
      this.releaseRoom();
      throw error;
    }
    await this.enqueue(topic.name, { key: encoded.key, value: encoded.value, headers: encoded.headers });
    return { id: encoded.headers['ce_id']! };
  }

  /**
   * Publishes an already encoded message (retry and DLQ forwarding, replay). `topic` is the
   * unprefixed name.
   */
  async publishRaw(topic: string, message: Message): Promise<void> {
    await this.waitForRoom();
    return this.enqueue(topic, message);
  }

  /** Queues a message whose room `waitForRoom` reserved; settles with the broker's answer. */
  private enqueue(topic: string, message: Message): Promise<void> {
    this.reserved -= 1;
    if (this.closing || !this.connected) {
      this.wakeWaiters(1);
      return Promise.reject(new PublishError({ code: 'PUBLISHER_CLOSED', message: 'publisher is not connected', disposition: 'retry' }));
    }
    const fullTopic = prefixed(this.options.topicPrefix, topic);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic: fullTopic, message, bytes: approximateSize(message), resolve, reject });
      this.schedule();
    });
  }

  /** Messages waiting for a produce request right now. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Reserves a place in the queue, waiting while it is full. The check and the reservation happen
   * before the first await, so a synchronous burst of publishes is bounded too.
   */
  private async waitForRoom(): Promise<void> {
    const limit = this.options.maxQueued ?? 10_000;
    while (this.queue.length + this.reserved >= limit) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    this.reserved += 1;
  }

  private releaseRoom(): void {
    this.reserved -= 1;
    this.wakeWaiters(1);
  }

  private wakeWaiters(count: number): void {
    this.roomWaiters.splice(0, count).forEach((wake) => wake());
  }

  /** Waits for queued messages, then disconnects. */
  async disconnect(): Promise<void> {
    if (this.queue.length > 0 || this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    this.closing = true;
    this.connected = false;
    await this.producer.disconnect();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a timer: coalesces everything published in this turn of the event loop
    // without adding latency to a lone publish.
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    const maxInFlight = this.options.maxInFlight ?? 5;
    const maxBatch = this.options.maxBatchSize ?? 1_000;
    const maxBytes = this.options.maxBatchBytes ?? 900 * 1024;
    while (this.queue.length > 0 && this.inFlight < maxInFlight) {
      let count = 0;
      let bytes = 0;
      while (count < this.queue.length && count < maxBatch && (count === 0 || bytes + this.queue[count]!.bytes <= maxBytes)) {
        bytes += this.queue[count]!.bytes;
        count += 1;
      }
      const batch = this.queue.splice(0, count);
      this.wakeWaiters(count);
      this.inFlight += 1;
      void this.send(batch).finally(() => {
        this.inFlight -= 1;
        if (this.queue.length > 0) this.drain();
        else if (this.inFlight === 0) this.idle.splice(0).forEach((notify) => notify());
      });
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const p of batch) {
      const list = byTopic.get(p.topic) ?? [];
      list.push(p.message);
      byTopic.set(p.topic, list);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const timeoutMs = this.options.publishTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.producer.sendBatch({ topicMessages, acks: -1, timeout: timeoutMs }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new PublishError({ code: 'PUBLISH_TIMEOUT', message: `no acknowledgement within ${timeoutMs} ms`, disposition: 'retry' })),
            timeoutMs,
          );
        }),
      ]);
      for (const p of batch) {
        this.metrics?.published.inc({ topic: p.topic });
        p.resolve();
      }
    } catch (cause) {
      const error =
        cause instanceof PublishError
          ? cause
          : new PublishError({ code: 'PUBLISH_FAILED', message: `Kafka did not accept the batch: ${(cause as Error).message}`, disposition: 'retry', cause });
      this.options.logger.warn({ err: error.message, messages: batch.length }, 'publish failed');
      for (const p of batch) {
        this.metrics?.publishFailures.inc({ topic: p.topic });
        p.reject(error);
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Record size on the wire, near enough for batching: payload bytes plus per-record overhead. */
function approximateSize(message: Message): number {
  let size = 70;
  if (message.key) size += typeof message.key === 'string' ? Buffer.byteLength(message.key) : message.key.length;
  if (message.value) size += typeof message.value === 'string' ? Buffer.byteLength(message.value) : message.value.length;
  for (const name in message.headers ?? {}) {
    const value = message.headers![name];
    size += name.length + 8 + (typeof value === 'string' ? Buffer.byteLength(value) : Buffer.isBuffer(value) ? value.length : 64);
  }
  return size;
}
