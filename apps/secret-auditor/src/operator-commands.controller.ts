import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { type BodyOf, type CloudEvent, OperatorCommands } from '@portcullis/contracts';
import { type KafkaEventContext, OnTopic } from '@portcullis/messaging/nest';
import { type Logger } from '@portcullis/observability';
import { EventReceipts } from '@portcullis/service-kit';
import { AuditPush } from './audit/audit-push.use-case.js';
import { AUDIT_PUSH } from './scm.events.controller.js';
import { ApplyTriageDecision } from './triage/apply-triage-decision.use-case.js';

export const APPLY_TRIAGE_DECISION = Symbol('secret-auditor.apply-triage-decision');
export const AUDITOR_LOGGER = Symbol('secret-auditor.logger');

/**
 * Thin edge for operator.commands: `finding.triage` goes to ApplyTriageDecision, `secrets.sweep`
 * to the low-priority sweep of AuditPush; the other kinds
 * belong to other services and are acknowledged untouched. A Redis failure propagates (the
 * consumer retries the command), so a decision is never dropped.
 */
@Controller()
export class OperatorCommandsController {
  constructor(
    @Inject(EventReceipts) private readonly receipts: EventReceipts,
    @Inject(APPLY_TRIAGE_DECISION) private readonly applyTriage: ApplyTriageDecision,
    @Inject(AUDITOR_LOGGER) private readonly logger: Logger,
    @Inject(AUDIT_PUSH) private readonly auditPush: AuditPush,
  ) {}

  @OnTopic(OperatorCommands)
  async onOperatorCommand(@Payload() event: CloudEvent<BodyOf<typeof OperatorCommands>>, @Ctx() context: KafkaEventContext): Promise<void> {
    const command = event.body;
    if (command.kind === 'secrets.sweep') {
      this.receipts.record(event, context);
      const origin = { eventId: event.id, deliveryId: event.deliveryId };
      await this.auditPush.sweep({ repository: command.repository, ...(command.ref === undefined ? {} : { ref: command.ref }), origin });
      return;
    }
    if (command.kind !== 'finding.triage') return;
    this.receipts.record(event, context);
    const outcome = await this.applyTriage.execute(command, event);
    this.logger.info({ fingerprint: command.fingerprint, state: command.state, requestId: command.requestId, eventId: event.id, outcome }, 'triage decision applied');
  }
}
