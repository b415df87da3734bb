import { type DynamicModule, Module } from '@nestjs/common';
import { type Logger } from 'pino';
import { type Registry } from 'prom-client';
import { HealthController } from './health.controller.js';
import { LOGGER, METRICS_REGISTRY } from './observability.tokens.js';
import { type ReadinessCheck, ReadinessRegistry } from './readiness-registry.js';

/** Options of `ObservabilityModule.forRoot`. */
export interface ObservabilityModuleOptions {
  /** Service name (for the readiness log lines). */
  service: string;
  /** The process logger from `createLogger`. */
  logger: Logger;
  /** The service's registry from `createMetricsRegistry`, served on /metrics. */
  metrics: Registry;
  /** Checks known at boot; modules add theirs at runtime through `ReadinessRegistry.register`. */
  readinessChecks?: Readonly<Record<string, ReadinessCheck>>;
  /** Per-check time limit of /readyz. Default 1500 ms. */
  readinessTimeoutMs?: number;
}

/**
 * Health, readiness and metrics endpoints (`GET /healthz`, `/readyz`, `/metrics`), plus the
 * logger (`LOGGER`), metrics registry (`METRICS_REGISTRY`) and `ReadinessRegistry` for every
 * other module. Global, so messaging and state can register checks without importing it.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [HealthController],
      providers: [
        { provide: LOGGER, useValue: options.logger },
        { provide: METRICS_REGISTRY, useValue: options.metrics },
        {
          provide: ReadinessRegistry,
          useFactory: (): ReadinessRegistry => {
            const registry = new ReadinessRegistry({
              timeoutMs: options.readinessTimeoutMs,
              logger: options.logger.child({ component: 'readiness', service: options.service }),
            });
            for (const [name, check] of Object.entries(options.readinessChecks ?? {})) registry.register(name, check);
            return registry;
          },
        },
      ],
      exports: [LOGGER, METRICS_REGISTRY, ReadinessRegistry],
    };
  }
}
