export { parseTraceparent, formatTraceparent, isValidTraceparent, newTraceContext, childOf, isSampled } from './trace/trace-context.js';
export type { TraceContext } from './trace/trace-context.js';
export { runWithTrace, currentTrace } from './trace/trace-storage.js';
export { LogScrubber, REDACTED } from './logging/log-scrubber.js';
export { createLogger, DEFAULT_REDACT_PATHS } from './logging/create-logger.js';
export type { CreateLoggerOptions } from './logging/create-logger.js';
export { PinoNestLogger } from './logging/pino-nest-logger.js';
export { createMetricsRegistry } from './metrics/metrics-registry.js';
export type { MetricsRegistryOptions } from './metrics/metrics-registry.js';
export { ReadinessRegistry } from './health/readiness-registry.js';
export type { ReadinessCheck, ReadinessOutcome, ReadinessReport, ReadinessRegistryOptions } from './health/readiness-registry.js';
export type { ReadinessBody } from './health/health.controller.js';
export { ObservabilityModule } from './health/observability.module.js';
export type { ObservabilityModuleOptions } from './health/observability.module.js';
export { LOGGER, METRICS_REGISTRY } from './health/observability.tokens.js';
// Re-exported so services type their logger and registry without depending on pino or prom-client.
export type { Logger } from 'pino';
export type { Registry } from 'prom-client';
