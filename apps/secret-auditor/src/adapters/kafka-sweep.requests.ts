import { OperatorCommands, type SecretsSweepCommand } from '@portcullis/contracts';
import { type EventPublisher } from '@portcullis/messaging';
import { type SweepRequest, type SweepRequests } from '../audit/audit.ports.js';
import { eventIdOf, withTimeout } from './kafka-triage.bus.js';

/**
 * Queues a sweep as a `secrets.sweep` command on operator.commands (acks=all, bounded wait). The
 * event id derives from the request id, so a retried request is one sweep.
 */
export class KafkaSweepRequests implements SweepRequests {
  constructor(
    private readonly publisher: Pick<EventPublisher, 'publish'>,
    private readonly timeoutMs: number,
  ) {}

  async request(sweep: SweepRequest): Promise<{ eventId: string }> {
    const body: SecretsSweepCommand = {
      kind: 'secrets.sweep',
      requestId: sweep.requestId,
      actor: sweep.actor,
      repository: sweep.repository,
      ...(sweep.ref === undefined ? {} : { ref: sweep.ref }),
      reason: sweep.reason,
    };
    const id = eventIdOf('secrets.sweep', sweep.requestId);
    await withTimeout(this.publisher.publish(OperatorCommands, body, { id, time: sweep.requestedAt }), this.timeoutMs);
    return { eventId: id };
  }
}
