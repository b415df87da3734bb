export { bootstrapService } from './bootstrap-service.js';
export type { ServiceDefinition } from './bootstrap-service.js';
export { baseServiceConfig, loadServiceConfig, messagingConfig } from './service-config.js';
export type { BaseServiceConfig, ServiceConfigExtension, ServiceConfigResult } from './service-config.js';
export { kafkaConnectionOf } from './kafka-connection.js';
export type { KafkaConfig } from './kafka-connection.js';
export type { ServiceKit } from './service-kit.js';
export { ServiceKitModule } from './service-kit.module.js';
export { CONFIG, IDEMPOTENCY_STORE, STATE_CLIENT } from './service-kit.tokens.js';
