import { type Registry } from '@portcullis/observability';
import { Counter, Histogram } from 'prom-client';
import { type IntakeMetrics } from '../intake/intake.ports.js';

/** The intake's Prometheus metrics on the service registry (/metrics). */
export class PromIntakeMetrics implements IntakeMetrics {
  private readonly requests: Counter<'source' | 'provider' | 'outcome' | 'status'>;
  private readonly ignoredEvents: Counter<'source' | 'reason'>;
  private readonly publishSeconds: Histogram<'topic' | 'result'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'portcullis_webhook_requests_total',
      help: 'Webhook requests by source, provider, outcome (accepted, duplicate, ignored, ping, rejected, unavailable) and HTTP status.',
      labelNames: ['source', 'provider', 'outcome', 'status'],
      registers: [registry],
    });
    this.ignoredEvents = new Counter({
      name: 'portcullis_webhook_ignored_total',
      help: 'Valid deliveries that carried nothing to publish, by source and reason.',
      labelNames: ['source', 'reason'],
      registers: [registry],
    });
    this.publishSeconds = new Histogram({
      name: 'portcullis_webhook_publish_duration_seconds',
      help: 'Time from publish to Kafka acknowledgement (or failure) of a delivery’s events.',
      labelNames: ['topic', 'result'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  request(labels: { source: string; provider: string; outcome: string; status: number }): void {
    this.requests.inc({ ...labels, status: String(labels.status) });
  }

  ignored(labels: { source: string; reason: string }): void {
    this.ignoredEvents.inc(labels);
  }

  publishDuration(labels: { topic: string; result: 'ok' | 'error' }, seconds: number): void {
    this.publishSeconds.observe(labels, seconds);
  }
}
