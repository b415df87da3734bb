import { Controller, Get, Inject, Res } from '@nestjs/common';
import { type Registry } from 'prom-client';
import { METRICS_REGISTRY } from './observability.tokens.js';
import { ReadinessRegistry } from './readiness-registry.js';

/**
 * The reply methods used here, shared by Fastify's reply and Express's response, so the controller
 * works on either adapter without importing one.
 */
interface HttpReply {
  status(code: number): HttpReply;
  header(name: string, value: string): HttpReply;
  send(body: unknown): unknown;
}

/** Body of `GET /readyz`. Only check names and outcomes: probe bodies end up in events and dashboards. */
export interface ReadinessBody {
  /** `ok` when every check passed. */
  status: 'ok' | 'unavailable';
  /** Outcome per check. */
  checks: Record<string, string>;
  /** Names of the checks that did not pass (only when unavailable). */
  failed?: string[];
}

/** Kubernetes probes and the Prometheus scrape endpoint. */
@Controller()
export class HealthController {
  constructor(
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
    @Inject(METRICS_REGISTRY) private readonly metrics: Registry,
  ) {}

  /**
   * Liveness: answers as long as the event loop does. It checks no dependency on purpose: a Kafka
   * outage must not make the kubelet restart every pod.
   */
  @Get('healthz')
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 200 when every registered check passes, 503 naming the ones that do not. */
  @Get('readyz')
  async readinessProbe(@Res() reply: HttpReply): Promise<void> {
    const report = await this.readiness.run();
    const failed = Object.entries(report.checks)
      .filter(([, outcome]) => outcome !== 'ok')
      .map(([name]) => name);
    const body: ReadinessBody = report.ready
      ? { status: 'ok', checks: { ...report.checks } }
      : { status: 'unavailable', checks: { ...report.checks }, failed };
    reply
      .status(report.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(body);
  }

  /** Prometheus exposition of the service's registry. */
  @Get('metrics')
  async scrape(@Res() reply: HttpReply): Promise<void> {
    const text = await this.metrics.metrics();
    reply.status(200).header('content-type', this.metrics.contentType).header('cache-control', 'no-store').send(text);
  }
}
