/** Injection token of the service's loaded, typed configuration: `@Inject(CONFIG) config: MyServiceConfig`. */
export const CONFIG = Symbol.for('portcullis.service-kit.config');

/** Injection token of the process's Redis connection (`StateClient` from @portcullis/state). */
export const STATE_CLIENT = Symbol.for('portcullis.service-kit.state-client');

/** Injection token of the `RedisIdempotencyStore` the consumer uses for processed-event keys. */
export const IDEMPOTENCY_STORE = Symbol.for('portcullis.service-kit.idempotency-store');
