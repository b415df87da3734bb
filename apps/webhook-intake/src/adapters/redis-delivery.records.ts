import { RedisRecordStore, type StateClient } from '@portcullis/state';
import { type DeliveryAttempt, type DeliveryRecord, type DeliveryRecords } from '../intake/intake.ports.js';

const MAX_ATTEMPTS_KEPT = 10;

/** Merges one attempt into a delivery's record: an accepted delivery stays accepted whatever came after. */
export function mergeAttempt(existing: DeliveryRecord | undefined, attempt: DeliveryAttempt): DeliveryRecord {
  const keepAccepted = existing?.outcome === 'accepted' && attempt.outcome !== 'accepted';
  const head = keepAccepted ? existing : attempt;
  return {
    deliveryId: attempt.deliveryId,
    outcome: head.outcome,
    status: head.status,
    ...(head.reason === undefined ? {} : { reason: head.reason }),
    source: head.source,
    provider: head.provider,
    ...pick('eventType', attempt.eventType ?? existing?.eventType),
    ...pick('repository', attempt.repository ?? existing?.repository),
    ...pick('eventId', head.eventId ?? existing?.eventId),
    firstSeenAt: existing?.firstSeenAt ?? attempt.at,
    lastSeenAt: attempt.at,
    attempts: [
      { outcome: attempt.outcome, status: attempt.status, at: attempt.at, ...(attempt.reason === undefined ? {} : { reason: attempt.reason }) },
      ...(existing?.attempts ?? []),
    ].slice(0, MAX_ATTEMPTS_KEPT),
  };
}

function pick<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/**
 * Delivery records in Redis (`delivery:<id>`, JSON, TTL = WEBHOOK_DELIVERY_TTL). Read-merge-write:
 * two requests of one delivery at the same instant may drop one attempt line from the history,
 * which only costs an operator a detail; the outcome of the accepted one is kept either way.
 */
export class RedisDeliveryRecords implements DeliveryRecords {
  private readonly store: RedisRecordStore<DeliveryRecord>;

  constructor(
    client: StateClient,
    private readonly ttlMs: number,
  ) {
    this.store = new RedisRecordStore<DeliveryRecord>(client, { namespace: 'webhook-delivery-record' });
  }

  async record(attempt: DeliveryAttempt): Promise<void> {
    const existing = await this.find(attempt.deliveryId);
    await this.store.put(attempt.deliveryId, mergeAttempt(existing, attempt), this.ttlMs);
  }

  find(deliveryId: string): Promise<DeliveryRecord | undefined> {
    return this.store.get(deliveryId);
  }
}
