/** The logging surface messaging needs; a pino logger satisfies it. */
export interface MessagingLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Processed-event keys (libs/state implements it with Redis). Lets a consumer skip a message it
 * already handled: a redelivery after a crash or a duplicate from a producer retry.
 */
export interface IdempotencyStore {
  /** Which of these keys were already processed. */
  findProcessed(keys: readonly string[]): Promise<Set<string>>;
  /** Remember keys as processed for ttlMs. */
  markProcessed(keys: readonly string[], ttlMs: number): Promise<void>;
}

export const silentLogger: MessagingLogger = { debug() {}, info() {}, warn() {}, error() {} };
