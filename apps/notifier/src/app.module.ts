import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { EventPublisher } from '@portcullis/messaging';
import { NotifyConfigError, routeThread } from '@portcullis/notify';
import { httpRoutes, type ServiceKit, STATE_CLIENT } from '@portcullis/service-kit';
import { RedisFencingLock, RedisTokenBucket, type StateClient, withLockWaiting } from '@portcullis/state';
import { PromNotifyMetrics } from './adapters/prom-notify.metrics.js';
import { RedisChannelAllowance } from './adapters/redis-channel.allowance.js';
import { RedisThreadStore } from './adapters/redis-thread.store.js';
import { loadRoutingFile } from './adapters/routing-file.js';
import { WebApiSlackGateway } from './adapters/web-api.slack-gateway.js';
import { IncomingWebhookSlackGateway } from './adapters/incoming-webhook.slack-gateway.js';
import { ProviderCommitStatusSync } from './adapters/provider-commit-status.sync.js';
import { type CommitStatusProvidersConfig, ProviderStatusPublisher } from './status/provider-status.publisher.js';
import { loadAccessRules } from './adapters/access-rules-file.js';
import { type EphemeralReply, slackInteractionsPlugin } from './interactions/slack-interactions.plugin.js';
import { type NotifierConfig } from './notifier.config.js';
import { NOTIFY_RELEASE, ReleaseUpdatesEventsController } from './release-updates.events.controller.js';
import { NotifyRelease } from './release/notify-release.use-case.js';

/** Posts the ephemeral answer to Slack's `response_url` (the plugin only passes hooks.slack.com URLs). */
async function respond(responseUrl: string, reply: EphemeralReply): Promise<void> {
  const answer = await fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(reply), signal: AbortSignal.timeout(5_000) });
  if (!answer.ok) throw new Error(`response_url answered ${answer.status}`);
}

/** The interaction endpoint's providers, when SLACK_SIGNING_SECRET is set. */
function interactionProviders(kit: ServiceKit<NotifierConfig>): Provider[] {
  const { signingSecret, accessRulesFile } = kit.config.interactions;
  const logger = kit.logger.child({ component: 'slack-interactions' });
  if (signingSecret === undefined) {
    logger.info('Slack interactions not mounted: SLACK_SIGNING_SECRET is unset');
    return [];
  }
  const access = accessRulesFile === undefined ? [] : loadAccessRules(accessRulesFile);
  logger.info({ route: 'POST /v1/slack/interactions', rules: access.length }, access.length === 0 ? 'Slack interactions mounted; no access rules: every click is refused' : 'Slack interactions mounted');
  return [
    httpRoutes('Slack interactions', [EventPublisher, STATE_CLIENT], (publisher: EventPublisher, state: StateClient) => {
      // A release is known while its thread record lives (NOTIFY_THREAD_TTL after its last event).
      const threads = new RedisThreadStore(state, kit.config.threads.ttlMs);
      const releases = { isKnown: async (releaseId: string) => (await threads.load(releaseId)) !== undefined };
      return slackInteractionsPlugin({ signingSecret, access, publisher, releases, respond, retryAfterSeconds: 5, logger });
    }),
  ];
}

/** The provider hosts and tokens statuses are posted with; `undefined` when no token is set. */
function statusProvidersOf(kit: ServiceKit<NotifierConfig>): CommitStatusProvidersConfig | undefined {
  const { github, gitlab, gitea, bitbucket, bitbucketDc } = kit.config.statuses;
  const required = (url: string | undefined, urlVar: string, tokenVar: string): string => {
    if (url === undefined) throw new NotifyConfigError('INVALID_NOTIFIER_CONFIG', `${urlVar} is required when ${tokenVar} is set`);
    return url;
  };
  const providers: CommitStatusProvidersConfig = {
    ...(github.token ? { github: { apiUrl: github.apiUrl, token: github.token } } : {}),
    ...(gitlab.token ? { gitlab: { url: gitlab.url, token: gitlab.token } } : {}),
    ...(gitea.token ? { gitea: { url: required(gitea.url, 'NOTIFY_STATUS_GITEA_URL', 'NOTIFY_STATUS_GITEA_TOKEN'), token: gitea.token } } : {}),
    ...(bitbucket.token ? { bitbucket: { apiUrl: bitbucket.apiUrl, token: bitbucket.token, ...(bitbucket.username ? { username: bitbucket.username } : {}) } } : {}),
    ...(bitbucketDc.token
      ? { 'bitbucket-dc': { url: required(bitbucketDc.url, 'NOTIFY_STATUS_BITBUCKET_DC_URL', 'NOTIFY_STATUS_BITBUCKET_DC_TOKEN'), token: bitbucketDc.token, api: bitbucketDc.api } }
      : {}),
  };
  return Object.keys(providers).length > 0 ? providers : undefined;
}

/** Slack delivery settings, validated; `undefined` when neither SLACK_BOT_TOKEN nor SLACK_WEBHOOK_URL is set. */
function slackSettingsOf(kit: ServiceKit<NotifierConfig>) {
  const { slack, routing, links } = kit.config;
  const limit = { capacity: slack.channelBurst, refillPerSecond: Number(slack.channelRatePerSecond) };
  if (!(limit.refillPerSecond > 0)) throw new NotifyConfigError('INVALID_NOTIFIER_CONFIG', 'SLACK_CHANNEL_RATE_PER_SECOND must be above 0');
  const releaseLinks = { ...(links.commitUrl ? { commitUrl: links.commitUrl } : {}), ...(links.findingsUrl ? { findingsUrl: links.findingsUrl } : {}) };
  if (slack.botToken !== undefined && slack.webhookUrl !== undefined) {
    throw new NotifyConfigError('INVALID_NOTIFIER_CONFIG', 'set SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL, not both');
  }
  if (slack.webhookUrl !== undefined) return { mode: 'webhook' as const, url: slack.webhookUrl, limit, links: releaseLinks };
  const token = slack.botToken;
  if (token === undefined) return undefined;
  if (routing.file === undefined) throw new NotifyConfigError('INVALID_NOTIFIER_CONFIG', 'NOTIFY_ROUTING_FILE is required when SLACK_BOT_TOKEN is set');
  return { mode: 'bot' as const, token, routingConfig: loadRoutingFile(routing.file), limit, links: releaseLinks };
}

/**
 * notifier: consumes pushes, audit and scan results, builds, release transitions and operator
 * commands, and keeps one Slack thread per release and the commit's statuses up to date. Health,
 * metrics, Kafka and Redis come from the global ServiceKitModule.
 */
@Module({})
export class NotifierModule {
  static forRoot(kit: ServiceKit<NotifierConfig>): DynamicModule {
    const { slack, threads, statuses } = kit.config;
    const logger = kit.logger.child({ component: 'notifier' });
    const slackSettings = slackSettingsOf(kit);
    const providers = statusProvidersOf(kit);
    if (slackSettings?.mode === 'bot') {
      const { routingConfig, limit } = slackSettings;
      logger.info(
        { defaultChannel: routingConfig.defaultChannel, routes: routingConfig.routes.length, perChannel: limit, slackApi: new URL(slack.apiUrl).origin },
        'Slack enabled: one thread per release',
      );
    } else if (slackSettings?.mode === 'webhook') {
      logger.info({ perChannel: slackSettings.limit }, 'Slack incoming-webhook mode: one message per release outcome, no updates, replies or buttons');
    } else {
      logger.warn('Slack disabled: neither SLACK_BOT_TOKEN nor SLACK_WEBHOOK_URL is set; nothing is posted to Slack');
    }
    const statusLimit = { capacity: statuses.burst, refillPerSecond: Number(statuses.ratePerSecond) };
    if (!(statusLimit.refillPerSecond > 0)) throw new NotifyConfigError('INVALID_NOTIFIER_CONFIG', 'NOTIFY_STATUS_RATE_PER_SECOND must be above 0');
    logger.info(
      providers ? { providers: Object.keys(providers), perProvider: statusLimit } : {},
      providers ? 'commit statuses enabled' : 'commit statuses disabled: no NOTIFY_STATUS_*_TOKEN is set',
    );
    if (!slackSettings && !providers) {
      return { module: NotifierModule, controllers: [ReleaseUpdatesEventsController], providers: [{ provide: NOTIFY_RELEASE, useValue: null }, ...interactionProviders(kit)] };
    }
    const metrics = new PromNotifyMetrics(kit.metrics);
    const statusLinks = {
      releaseUrl: statuses.releaseUrl,
      ...(statuses.secretsUrl ? { secretsUrl: statuses.secretsUrl } : {}),
      ...(statuses.imageScanUrl ? { imageScanUrl: statuses.imageScanUrl } : {}),
      ...(statuses.deployUrl ? { deployUrl: statuses.deployUrl } : {}),
    };
    return {
      module: NotifierModule,
      controllers: [ReleaseUpdatesEventsController],
      providers: [
        ...interactionProviders(kit),
        {
          provide: NOTIFY_RELEASE,
          inject: [STATE_CLIENT],
          useFactory: (state: StateClient) => {
            // Busy release locks are waited for briefly (the holder makes a few Slack calls at most), then handed back after NOTIFY_BUSY_RETRY.
            const lock = new RedisFencingLock(state, { namespace: 'notify-lock' });
            const waiting = { ttlMs: threads.lockTtlMs, waitMs: threads.lockWaitMs, busyRetryMs: threads.busyRetryMs };
            const buckets = new RedisTokenBucket(state);
            return new NotifyRelease({
              threads: new RedisThreadStore(state, threads.ttlMs),
              locks: { withLock: (name, fn) => withLockWaiting(lock, name, () => fn(), waiting) },
              clock: { now: () => new Date() },
              metrics,
              ...(slackSettings?.mode === 'bot'
                ? {
                    slack: {
                      mode: 'bot' as const,
                      gateway: new WebApiSlackGateway({ token: slackSettings.token, apiUrl: slack.apiUrl, timeoutMs: slack.timeoutMs }),
                      allowance: new RedisChannelAllowance(buckets, slackSettings.limit),
                      routing: { route: (thread) => routeThread(thread, slackSettings.routingConfig) },
                      links: slackSettings.links,
                      settleMs: slack.settleMs,
                      updateIntervalMs: slack.updateIntervalMs,
                    },
                  }
                : slackSettings?.mode === 'webhook'
                  ? {
                      slack: {
                        mode: 'webhook' as const,
                        poster: new IncomingWebhookSlackGateway({ url: slackSettings.url, timeoutMs: slack.timeoutMs }),
                        allowance: new RedisChannelAllowance(buckets, slackSettings.limit),
                        links: slackSettings.links,
                      },
                    }
                  : {}),
              ...(providers
                ? {
                    statuses: new ProviderCommitStatusSync(
                      new ProviderStatusPublisher(providers, { timeoutMs: statuses.timeoutMs }),
                      new RedisChannelAllowance(buckets, statusLimit, 'commit-status'),
                      statusLinks,
                    ),
                  }
                : {}),
            });
          },
        },
      ],
    };
  }
}
