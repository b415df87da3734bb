import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AuditResults, type BodyOf, type CloudEvent, DeployEvents, OperatorCommands, RegistryEvents, ScanResults, ScmEvents } from '@portcullis/contracts';
import { type KafkaEventContext, OnTopic } from '@portcullis/messaging/nest';
import { releaseIdOfEvent, type ThreadEventBody } from '@portcullis/notify';
import { EventReceipts } from '@portcullis/service-kit';
import { type NotifyRelease } from './release/notify-release.use-case.js';

/** The NotifyRelease use case, or `null` when Slack is disabled (SLACK_BOT_TOKEN unset). */
export const NOTIFY_RELEASE = Symbol('notifier.notify-release');

/**
 * Everything a team hears about: pushes, audit and scan results, builds, release transitions and operator
 * decisions. Each handler hands its event to NotifyRelease; errors carry their disposition
 * (not-ready while a channel's allowance is spent or Slack said 429, retry on 5xx, dead-letter
 * when Slack refused for good). Events about no release (an image push, a sweep) are counted only.
 */
@Controller()
export class ReleaseUpdatesEventsController {
  constructor(
    @Inject(EventReceipts) private readonly receipts: EventReceipts,
    @Inject(NOTIFY_RELEASE) private readonly notify: NotifyRelease | null,
  ) {}

  @OnTopic(ScmEvents)
  async onScmEvent(@Payload() event: CloudEvent<BodyOf<typeof ScmEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
    // A push opens its release's thread (author, commit title, pending gates); tags and pull requests are not releases.
    const { body } = event;
    if (body.kind === 'push') await this.#notify({ id: event.id, time: event.time, body });
  }

  @OnTopic(AuditResults)
  async onAuditResult(@Payload() event: CloudEvent<BodyOf<typeof AuditResults>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
    await this.#notify(event);
  }

  @OnTopic(ScanResults)
  async onScanResult(@Payload() event: CloudEvent<BodyOf<typeof ScanResults>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
    await this.#notify(event);
  }

  @OnTopic(DeployEvents)
  async onDeployEvent(@Payload() event: CloudEvent<BodyOf<typeof DeployEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
    await this.#notify(event);
  }

  @OnTopic(RegistryEvents)
  async onRegistryEvent(@Payload() event: CloudEvent<BodyOf<typeof RegistryEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
    if (event.body.kind === 'build.announced') await this.#notify(event);
  }

  @OnTopic(OperatorCommands)
  async onOperatorCommand(@Payload() event: CloudEvent<BodyOf<typeof OperatorCommands>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
    await this.#notify(event);
  }

  async #notify(event: Pick<CloudEvent<ThreadEventBody>, 'id' | 'time' | 'body'>): Promise<void> {
    if (!this.notify) return;
    const releaseId = releaseIdOfEvent(event.body);
    if (releaseId === undefined) return;
    await this.notify.execute({ id: event.id, time: event.time, body: event.body }, releaseId);
  }
}
