import { type DynamicModule, Inject, Injectable, Module, type OnModuleInit, type Provider } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyAdapter } from '@nestjs/platform-fastify';
import { EventPublisher } from '@portcullis/messaging';
import { NotifyConfigError, routeRelease } from '@portcullis/notify';
import { type ServiceKit, STATE_CLIENT } from '@portcullis/service-kit';
import { RedisFencingLock, RedisTokenBucket, type StateClient, withLockWaiting } from '@portcullis/state';
import { PromNotifyMetrics } from './adapters/prom-notify.metrics.js';
import { RedisChannelAllowance } from './adapters/redis-channel.allowance.js';
import { RedisThreadStore } from './adapters/redis-thread.store.js';
import { loadRoutingFile } from './adapters/routing-file.js';
import { WebApiSlackGateway } from './adapters/web-api.slack-gateway.js';
import { loadAccessRules } from './adapters/access-rules-file.js';
import { type SlackAccessRule } from './interactions/slack-access.policy.js';
import { type EphemeralReply, slackInteractionsPlugin } from './interactions/slack-interactions.plugin.js';
import { type NotifierConfig } from './notifier.config.js';
import { NOTIFY_RELEASE, ReleaseUpdatesEventsController } from './release-updates.events.controller.js';
import { NotifyRelease } from './release/notify-release.use-case.js';

const INTERACTIONS = Symbol('notifier.interactions');

interface InteractionSettings {
  readonly signingSecret: string;
  readonly access: readonly SlackAccessRule[];
  readonly logger: ServiceKit<NotifierConfig>['logger'];
}

/** Posts the ephemeral answer to Slack's `response_url` (the plugin only passes hooks.slack.com URLs). */
async function respond(responseUrl: string, reply: EphemeralReply): Promise<void> {
  const answer = await fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(reply), signal: AbortSignal.timeout(5_000) });
  if (!answer.ok) throw new Error(`response_url answered ${answer.status}`);
}

/** Mounts the Slack interaction endpoint on the app's Fastify instance before it starts listening. */
@Injectable()
class SlackInteractionRoutes implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost<FastifyAdapter>,
    @Inject(INTERACTIONS) private readonly settings: InteractionSettings,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {}

  async onModuleInit(): Promise<void> {
    const { signingSecret, access, logger } = this.settings;
    await this.host.httpAdapter.getInstance().register(slackInteractionsPlugin({ signingSecret, access, publisher: this.publisher, respond, retryAfterSeconds: 5, logger }));
  }
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
  return [{ provide: INTERACTIONS, useValue: { signingSecret, access, logger } satisfies InteractionSettings }, SlackInteractionRoutes];
}

/**
 * notifier: consumes audit and scan results, builds, release transitions and operator commands,
 * and keeps one Slack thread per release up to date. Health, metrics, Kafka and Redis come from the
 * global ServiceKitModule.
 */
@Module({})
export class NotifierModule {
  static forRoot(kit: ServiceKit<NotifierConfig>): DynamicModule {
    const { slack, routing, links, threads } = kit.config;
    const logger = kit.logger.child({ component: 'notifier' });
    const token = slack.botToken;
    if (token === undefined) {
      logger.warn('Slack disabled: SLACK_BOT_TOKEN is unset; release events are consumed and nothing is posted');
      return { module: NotifierModule, controllers: [ReleaseUpdatesEventsController], providers: [{ provide: NOTIFY_RELEASE, useValue: null }, ...interactionProviders(kit)] };
    }
    if (routing.file === undefined) throw new NotifyConfigError('INVALID_ROUTING_CONFIG', 'NOTIFY_ROUTING_FILE is required when SLACK_BOT_TOKEN is set');
    const routingConfig = loadRoutingFile(routing.file);
    const limit = { capacity: slack.channelBurst, refillPerSecond: Number(slack.channelRatePerSecond) };
    if (!(limit.refillPerSecond > 0)) throw new NotifyConfigError('INVALID_ROUTING_CONFIG', 'SLACK_CHANNEL_RATE_PER_SECOND must be above 0');
    logger.info(
      { defaultChannel: routingConfig.defaultChannel, routes: routingConfig.routes.length, perChannel: limit, slackApi: new URL(slack.apiUrl).origin },
      'Slack enabled: one thread per release',
    );
    const metrics = new PromNotifyMetrics(kit.metrics);
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
            return new NotifyRelease({
              threads: new RedisThreadStore(state, threads.ttlMs),
              slack: new WebApiSlackGateway({ token, apiUrl: slack.apiUrl, timeoutMs: slack.timeoutMs }),
              allowance: new RedisChannelAllowance(new RedisTokenBucket(state), limit),
              locks: { withLock: (name, fn) => withLockWaiting(lock, name, () => fn(), waiting) },
              routing: { route: (repository) => routeRelease(repository, routingConfig) },
              clock: { now: () => new Date() },
              metrics,
              links: {
                ...(links.commitUrl ? { commitUrl: links.commitUrl } : {}),
                ...(links.findingsUrl ? { findingsUrl: links.findingsUrl } : {}),
              },
            });
          },
        },
      ],
    };
  }
}
