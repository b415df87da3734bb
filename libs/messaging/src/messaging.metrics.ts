import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Outcome label of a consumed message. */
export type HandledOutcome = 'success' | 'duplicate' | 'retried' | 'rescheduled' | 'dead_lettered' | 'skipped';

/** Prometheus instruments of the backbone; one set per metrics registry. */
export class MessagingMetrics {
  readonly handled: Counter<'topic' | 'group' | 'outcome'>;
  readonly deadLettered: Counter<'topic' | 'group' | 'reason'>;
  readonly handlerDuration: Histogram<'topic' | 'group'>;
  readonly consumerLag: Gauge<'topic' | 'partition' | 'group'>;
  readonly published: Counter<'topic'>;
  readonly publishFailures: Counter<'topic'>;

  constructor(registry: Registry) {
    this.handled = new Counter({
      name: 'portcullis_messages_handled_total',
      help: 'Consumed messages by outcome (success, duplicate, retried, rescheduled, dead_lettered, skipped).',
      labelNames: ['topic', 'group', 'outcome'],
      registers: [registry],
    });
    this.deadLettered = new Counter({
      name: 'portcullis_messages_dead_lettered_total',
      help: 'Messages sent to a dead-letter topic, by reason.',
      labelNames: ['topic', 'group', 'reason'],
      registers: [registry],
    });
    this.handlerDuration = new Histogram({
      name: 'portcullis_handler_duration_seconds',
      help: 'Time spent in event handlers.',
      labelNames: ['topic', 'group'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers: [registry],
    });
    this.consumerLag = new Gauge({
      name: 'portcullis_consumer_lag',
      help: 'Messages between the last processed offset and the high watermark, per partition.',
      labelNames: ['topic', 'partition', 'group'],
      registers: [registry],
    });
    this.published = new Counter({
      name: 'portcullis_messages_published_total',
      help: 'Messages acknowledged by Kafka.',
      labelNames: ['topic'],
      registers: [registry],
    });
    this.publishFailures = new Counter({
      name: 'portcullis_publish_failures_total',
      help: 'Messages whose publish failed (the caller got a rejected promise).',
      labelNames: ['topic'],
      registers: [registry],
    });
  }
}

const byRegistry = new WeakMap<Registry, MessagingMetrics>();

/** One instrument set per registry: publisher and consumers of one process share it. */
export function messagingMetricsFor(registry: Registry): MessagingMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = new MessagingMetrics(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
