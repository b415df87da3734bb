import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AuditResults, type BodyOf, type CloudEvent, OperatorCommands, parseReleaseId, RegistryEvents, ScanResults } from '@portcullis/contracts';
import { type KafkaEventContext, OnTopic } from '@portcullis/messaging/nest';
import { EventReceipts } from '@portcullis/service-kit';
import { type ReconcileRelease, type ReleaseInput } from './release/reconcile-release.use-case.js';
import { auditInput, buildInput, commandInput, scanInput } from './release/release-inputs.js';

export const RECONCILE_RELEASE = Symbol('deploy-orchestrator.reconcile-release');

/**
 * Everything that moves a release: audit and scan results, builds, operator decisions. Each
 * handler turns its event into a change of the release's inputs and calls ReconcileRelease; its
 * errors carry their disposition (not-ready while a rollout progresses, retry, dead-letter).
 * Events about no release (an image pushed without a build announcement, a triage command) are
 * counted and left alone.
 */
@Controller()
export class ReleaseInputsEventsController {
  constructor(
    @Inject(EventReceipts) private readonly receipts: EventReceipts,
    @Inject(RECONCILE_RELEASE) private readonly reconcile: ReconcileRelease,
  ) {}

  @OnTopic(AuditResults)
  async onAuditResult(@Payload() event: CloudEvent<BodyOf<typeof AuditResults>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
    await this.#apply(event.body.releaseId, auditInput(event.body));
  }

  @OnTopic(ScanResults)
  async onScanResult(@Payload() event: CloudEvent<BodyOf<typeof ScanResults>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
    if (event.body.releaseId) await this.#apply(event.body.releaseId, scanInput(event.body));
  }

  @OnTopic(RegistryEvents)
  async onRegistryEvent(@Payload() event: CloudEvent<BodyOf<typeof RegistryEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
    const body = event.body;
    if (body.kind !== 'build.announced') return;
    await this.#apply(`${body.repository.provider}/${body.repository.owner}/${body.repository.name}@${body.commit}`, buildInput(body));
  }

  @OnTopic(OperatorCommands)
  async onOperatorCommand(@Payload() event: CloudEvent<BodyOf<typeof OperatorCommands>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
    const body = event.body;
    if (body.kind !== 'release.approve' && body.kind !== 'release.promote' && body.kind !== 'release.rollback') return;
    await this.#apply(body.releaseId, commandInput(body));
  }

  async #apply(releaseId: string, input: ReleaseInput): Promise<void> {
    const parsed = parseReleaseId(releaseId);
    // The contracts validated the id on consume; this only narrows the type.
    if (!parsed) return;
    await this.reconcile.execute({ releaseId, repository: parsed.repository, sha: parsed.sha }, input);
  }
}
