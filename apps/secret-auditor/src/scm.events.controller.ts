import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { type BodyOf, type CloudEvent, ScmEvents, ZERO_SHA } from '@portcullis/contracts';
import { type KafkaEventContext, OnTopic } from '@portcullis/messaging/nest';
import { EventReceipts } from '@portcullis/service-kit';
import { AuditPush } from './audit/audit-push.use-case.js';

export const AUDIT_PUSH = Symbol('secret-auditor.audit-push');

/**
 * Thin edge: a branch push or a created tag becomes an AuditPush command; pull requests are not
 * audited here (the push to their source branch is). Errors propagate: the consumer retries
 * transient ones, and the use case publishes `audit.failed` for the rest.
 */
@Controller()
export class ScmEventsController {
  constructor(
    @Inject(EventReceipts) private readonly receipts: EventReceipts,
    @Inject(AUDIT_PUSH) private readonly auditPush: AuditPush,
  ) {}

  @OnTopic(ScmEvents)
  async onScmEvent(@Payload() event: CloudEvent<BodyOf<typeof ScmEvents>>, @Ctx() context: KafkaEventContext): Promise<void> {
    this.receipts.record(event, context);
    const { attempt } = context.getDelivery();
    const origin = { eventId: event.id, deliveryId: event.deliveryId };
    const body = event.body;
    switch (body.kind) {
      case 'push':
        await this.auditPush.execute({ repository: body.repository, ref: body.ref, before: body.before, after: body.after, attempt, origin });
        return;
      case 'tag':
        if (body.action === 'created') {
          await this.auditPush.execute({ repository: body.repository, ref: body.ref, before: ZERO_SHA, after: body.sha, attempt, origin });
        }
        return;
      case 'pull_request':
        return;
    }
  }
}
