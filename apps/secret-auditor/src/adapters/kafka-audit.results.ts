import { type AuditCompletedEvent, type AuditFailedEvent, AuditResults as AuditResultsTopic } from '@portcullis/contracts';
import { type EventPublisher } from '@portcullis/messaging';
import { type AuditOrigin, type AuditResults } from '../audit/audit-push.ports.js';

/**
 * Publishes audit outcomes with an id derived from the push event, so a redelivered push that is
 * audited again re-publishes the same fact and consumers drop the repeat.
 */
export class KafkaAuditResults implements AuditResults {
  constructor(private readonly publisher: EventPublisher) {}

  async completed(body: AuditCompletedEvent, origin: AuditOrigin): Promise<void> {
    await this.publisher.publish(AuditResultsTopic, body, metadata(origin, 'completed'));
  }

  async failed(body: AuditFailedEvent, origin: AuditOrigin): Promise<void> {
    await this.publisher.publish(AuditResultsTopic, body, metadata(origin, 'failed'));
  }
}

function metadata(origin: AuditOrigin, outcome: string) {
  return { id: `${origin.eventId}:audit-${outcome}`, ...(origin.deliveryId ? { deliveryId: origin.deliveryId } : {}) };
}
