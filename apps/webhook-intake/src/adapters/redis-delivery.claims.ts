import { type RedisIdempotencyStore } from '@portcullis/state';
import { type DeliveryClaims } from '../intake/intake.ports.js';

type Store = Pick<RedisIdempotencyStore, 'findProcessed' | 'tryClaim' | 'markProcessed' | 'forget'>;

/**
 * Two keys per delivery: `claim:<id>` (SET NX, short TTL) while its event is being published, and
 * `done:<id>` (long TTL) once Kafka acknowledged it. Keeping them apart tells "already stored"
 * (answer duplicate) from "being stored right now by someone else" (answer 503: its publish may
 * still fail).
 */
export class RedisDeliveryClaims implements DeliveryClaims {
  constructor(private readonly store: Store) {}

  async isProcessed(deliveryId: string): Promise<boolean> {
    return (await this.store.findProcessed([`done:${deliveryId}`])).size > 0;
  }

  tryClaim(deliveryId: string, ttlMs: number): Promise<boolean> {
    return this.store.tryClaim(`claim:${deliveryId}`, ttlMs);
  }

  async markProcessed(deliveryId: string, ttlMs: number): Promise<void> {
    // The claim is left to expire: `done` answers every later copy first, and one round trip less.
    await this.store.markProcessed([`done:${deliveryId}`], ttlMs);
  }

  release(deliveryId: string): Promise<void> {
    return this.store.forget([`claim:${deliveryId}`]);
  }
}
