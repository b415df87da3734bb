import { createHash } from 'node:crypto';

// A fixed namespace of our own, so ids derived here never collide with another system's v5 ids.
const NAMESPACE = Buffer.from('6f1c2b0e4a7d4c58a1e2d9b3c5f7a901', 'hex');

/**
 * The event id (`ce_id`) of a delivery's event: a name-based UUID (RFC 9562 v5) of the delivery
 * id. A provider's retry of a delivery whose first publish timed out after all reached Kafka then
 * carries the same id, and consumers drop the second copy (ADR 0002).
 */
export function eventIdOf(deliveryId: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(deliveryId, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
