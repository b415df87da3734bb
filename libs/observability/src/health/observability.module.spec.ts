import 'reflect-metadata';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { captureDestination } from '../../test/capture-destination.js';
import { createLogger } from '../logging/create-logger.js';
import { PinoNestLogger } from '../logging/pino-nest-logger.js';
import { createMetricsRegistry } from '../metrics/metrics-registry.js';
import { ObservabilityModule } from './observability.module.js';
import { ReadinessRegistry } from './readiness-registry.js';

const SECRET = 'redis-pa55-secret';

describe('ObservabilityModule on Fastify', () => {
  let app: NestFastifyApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot() {
    const destination = captureDestination();
    const logger = createLogger({ service: 'notifier', instanceId: 'n-1', level: 'info', sensitiveValues: [SECRET], destination });
    const metrics = createMetricsRegistry({ service: 'notifier', instanceId: 'n-1' });
    const moduleRef = await Test.createTestingModule({
      imports: [ObservabilityModule.forRoot({ service: 'notifier', logger, metrics, readinessTimeoutMs: 200 })],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: new PinoNestLogger(logger) });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return { app, lines: destination.lines, raw: destination.raw };
  }

  it('serves /healthz, /readyz (503 naming the failing check, then 200) and /metrics', async () => {
    const { app, raw } = await boot();
    let redisUp = false;
    app.get(ReadinessRegistry).register('redis', async () => {
      if (!redisUp) throw new Error(`NOAUTH wrong password ${SECRET}`);
      return true;
    });
    app.get(ReadinessRegistry).register('kafka', async () => true);

    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });

    const down = await app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable', checks: { redis: 'error', kafka: 'ok' }, failed: ['redis'] });
    expect(down.body).not.toContain(SECRET);
    expect(down.headers['cache-control']).toBe('no-store');

    redisUp = true;
    const up = await app.inject({ method: 'GET', url: '/readyz' });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toEqual({ status: 'ok', checks: { redis: 'ok', kafka: 'ok' } });

    const scrape = await app.inject({ method: 'GET', url: '/metrics' });
    expect(scrape.statusCode).toBe(200);
    expect(scrape.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(scrape.body).toMatch(/^process_cpu_user_seconds_total\{service_name="notifier",service_instance_id="n-1"\}/m);

    expect(raw.join('')).not.toContain(SECRET);
  });

  it('reports a check that hangs as a timeout within the limit', async () => {
    const { app } = await boot();
    app.get(ReadinessRegistry).register('git', () => new Promise<boolean>(() => undefined));
    const started = performance.now();
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ checks: { git: 'timeout' }, failed: ['git'] });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("sends Nest's own logs through the pino logger", async () => {
    const { lines } = await boot();
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'info', service: 'notifier', context: 'RouterExplorer', msg: expect.stringContaining('/readyz') }),
    );
  });
});
