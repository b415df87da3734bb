/** Injection token of the process's pino `Logger` (provided by ObservabilityModule). */
export const LOGGER = Symbol.for('portcullis.observability.logger');

/** Injection token of the service's prom-client `Registry` (provided by ObservabilityModule). */
export const METRICS_REGISTRY = Symbol.for('portcullis.observability.metrics-registry');
