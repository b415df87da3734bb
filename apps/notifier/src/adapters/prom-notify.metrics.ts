import { type GitProvider } from '@portcullis/contracts';
import { type Registry } from '@portcullis/observability';
import { Counter } from 'prom-client';
import { type NotifyMetrics, type SlackMethod } from '../release/notify-release.ports.js';

/** The notifier's Slack and commit status metrics on the service registry (/metrics). */
export class PromNotifyMetrics implements NotifyMetrics {
  private readonly calls: Counter<'method' | 'outcome'>;
  private readonly deferrals: Counter;
  private readonly permanent: Counter<'reason'>;
  private readonly statuses: Counter<'provider'>;
  private readonly statusFailures: Counter<'provider' | 'code'>;

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
    this.statuses = new Counter({
      name: 'portcullis_notify_commit_statuses_total',
      help: 'Commit statuses posted on the Git provider (or found already set), by provider.',
      labelNames: ['provider'],
      registers: [registry],
    });
    this.statusFailures = new Counter({
      name: 'portcullis_notify_commit_status_failures_total',
      help: 'Commit status syncs stopped by an error, by provider and code (RATE_LIMITED, PROVIDER_UNAVAILABLE and NOT_READY are retried; BAD_CREDENTIALS, NOT_FOUND, REJECTED are dead-lettered).',
      labelNames: ['provider', 'code'],
      registers: [registry],
    });
  }

  slackCall(method: SlackMethod, outcome: 'ok' | 'rate_limited' | 'unavailable' | 'refused'): void {
    this.calls.inc({ method, outcome });
  }

  deferred(): void {
    this.deferrals.inc();
  }

  permanentFailure(reason: string): void {
    this.permanent.inc({ reason });
  }

  commitStatuses(provider: GitProvider, outcome: { posted: number; failedWith?: string }): void {
    if (outcome.posted > 0) this.statuses.inc({ provider }, outcome.posted);
    if (outcome.failedWith !== undefined) this.statusFailures.inc({ provider, code: outcome.failedWith });
  }
}
