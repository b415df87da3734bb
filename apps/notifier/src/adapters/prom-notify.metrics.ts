import { type Registry } from '@portcullis/observability';
import { Counter } from 'prom-client';
import { type NotifyMetrics } from '../release/notify-release.ports.js';

/** The notifier's Slack metrics on the service registry (/metrics). */
export class PromNotifyMetrics implements NotifyMetrics {
  private readonly calls: Counter<'method' | 'outcome'>;
  private readonly deferrals: Counter;
  private readonly permanent: Counter<'reason'>;

  constructor(registry: Registry) {
    this.calls = new Counter({
      name: 'portcullis_notify_slack_calls_total',
      help: 'Slack Web API calls by method and outcome: ok, rate_limited (429), unavailable (5xx, network, transient error), refused (permanent error).',
      labelNames: ['method', 'outcome'],
      registers: [registry],
    });
    this.deferrals = new Counter({
      name: 'portcullis_notify_slack_deferred_total',
      help: "Slack calls not made because the channel's shared allowance was spent; the event came back later and coalesced with newer ones.",
      registers: [registry],
    });
    this.permanent = new Counter({
      name: 'portcullis_notify_slack_permanent_failures_total',
      help: 'Events dead-lettered because Slack refused the call for good, by Slack error code (channel_not_found, not_in_channel, invalid_auth, …).',
      labelNames: ['reason'],
      registers: [registry],
    });
  }

  slackCall(method: 'chat.postMessage' | 'chat.update', outcome: 'ok' | 'rate_limited' | 'unavailable' | 'refused'): void {
    this.calls.inc({ method, outcome });
  }

  deferred(): void {
    this.deferrals.inc();
  }

  permanentFailure(reason: string): void {
    this.permanent.inc({ reason });
  }
}
