import { type BodyOf, type RegistryEvents, type ScmEvents } from '@portcullis/contracts';

/** A normalised event ready to publish: a body of the topic it goes to. */
export type IntakeEvent =
  | { readonly topic: typeof ScmEvents; readonly body: BodyOf<typeof ScmEvents> }
  | { readonly topic: typeof RegistryEvents; readonly body: BodyOf<typeof RegistryEvents> };

/** Publishes an event and resolves only once Kafka acknowledged it; rejects on failure or timeout. */
export interface EventBus {
  publish(event: IntakeEvent, ids: { readonly eventId: string; readonly deliveryId: string }): Promise<void>;
}

/**
 * Delivery-id dedupe shared by every instance. `claim` is short-lived (held while publishing);
 * `processed` is long-lived (set once Kafka acknowledged). Both reject with a StateError when
 * Redis is unavailable.
 */
export interface DeliveryClaims {
  isProcessed(deliveryId: string): Promise<boolean>;
  tryClaim(deliveryId: string, ttlMs: number): Promise<boolean>;
  markProcessed(deliveryId: string, ttlMs: number): Promise<void>;
  release(deliveryId: string): Promise<void>;
}

/** A token bucket per key shared by every instance; `perMinute` is both burst and sustained rate. */
export interface RateLimiter {
  take(key: string, perMinute: number): Promise<{ readonly allowed: boolean; readonly retryAfterMs: number }>;
}

/** What happened to one request carrying a delivery id. */
export type DeliveryOutcome = 'accepted' | 'duplicate' | 'ignored' | 'ping' | 'rejected' | 'unavailable';

/** One request's outcome, as written to the delivery record. No body, no header values, no secret. */
export interface DeliveryAttempt {
  readonly deliveryId: string;
  readonly outcome: DeliveryOutcome;
  /** HTTP status answered. */
  readonly status: number;
  /** Reason code for every outcome but `accepted`. */
  readonly reason?: string;
  readonly source: string;
  readonly provider: string;
  readonly eventType?: string;
  /** `provider/owner/name` when the payload was normalised that far. */
  readonly repository?: string;
  readonly eventId?: string;
  /** RFC 3339. */
  readonly at: string;
}

/** The stored record of a delivery: its overall outcome and its last attempts. */
export interface DeliveryRecord extends Omit<DeliveryAttempt, 'at'> {
  /** `accepted` once any attempt was accepted; otherwise the outcome of the latest attempt. */
  readonly outcome: DeliveryOutcome;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  /** Most recent attempts first, at most 10. */
  readonly attempts: readonly Pick<DeliveryAttempt, 'outcome' | 'status' | 'reason' | 'at'>[];
}

/** Delivery records for operators (`GET /v1/deliveries/:id`), kept for the processed TTL. */
export interface DeliveryRecords {
  record(attempt: DeliveryAttempt): Promise<void>;
  find(deliveryId: string): Promise<DeliveryRecord | undefined>;
}

/** What the intake counts and times. */
export interface IntakeMetrics {
  request(labels: { readonly source: string; readonly provider: string; readonly outcome: string; readonly status: number }): void;
  ignored(labels: { readonly source: string; readonly reason: string }): void;
  publishDuration(labels: { readonly topic: string; readonly result: 'ok' | 'error' }, seconds: number): void;
}

export interface Clock {
  now(): Date;
}

