import { collectDefaultMetrics, Registry } from 'prom-client';

/** Options of `createMetricsRegistry`. */
export interface MetricsRegistryOptions {
  /** Service name, as the `service_name` label on every series. */
  service: string;
  /** Instance id, as the `service_instance_id` label on every series. */
  instanceId: string;
  /** Collect Node's default process metrics (CPU, memory, event-loop lag, GC). Default true. */
  defaultMetrics?: boolean;
}

/**
 * A fresh Prometheus registry for one service. Every module registers its metrics on the registry
 * it is given (never on prom-client's global one), so tests get isolated registries and two Nest
 * apps in one process do not collide.
 *
 * The labels follow OpenTelemetry's `service.name` / `service.instance.id` rather than
 * `service` / `instance`, which Prometheus and the Prometheus Operator already attach to every
 * target and would rename ours to `exported_*`.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service_name: options.service, service_instance_id: options.instanceId });
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}
