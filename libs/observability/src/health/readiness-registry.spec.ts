import { describe, expect, it } from 'vitest';
import { captureDestination } from '../../test/capture-destination.js';
import { createLogger } from '../logging/create-logger.js';
import { ReadinessRegistry } from './readiness-registry.js';

const never = (): Promise<boolean> => new Promise<boolean>(() => undefined);

describe('ReadinessRegistry', () => {
  it('is ready with no checks', async () => {
    expect(await new ReadinessRegistry().run()).toEqual({ ready: true, checks: {} });
  });

  it('reports each outcome and is ready only when all pass', async () => {
    const sut = new ReadinessRegistry({ timeoutMs: 30 });
    sut.register('kafka', async () => true);
    sut.register('redis', async () => false);
    sut.register('registry', () => Promise.reject(new Error('ECONNREFUSED')));
    sut.register('git', never);
    expect(await sut.run()).toEqual({
      ready: false,
      checks: { kafka: 'ok', redis: 'failed', registry: 'error', git: 'timeout' },
    });
  });

  it('runs checks in parallel, so a slow one costs one timeout, not the sum', async () => {
    const sut = new ReadinessRegistry({ timeoutMs: 100 });
    for (const name of ['a', 'b', 'c', 'd', 'e']) sut.register(name, never);
    const started = performance.now();
    await sut.run();
    expect(performance.now() - started).toBeLessThan(300);
  });

  it('shares a hanging check between probes instead of calling it again', async () => {
    const sut = new ReadinessRegistry({ timeoutMs: 10 });
    let calls = 0;
    sut.register('kafka', () => {
      calls += 1;
      return never();
    });
    await sut.run();
    await sut.run();
    expect(calls).toBe(1);
  });

  it('rejects duplicate or unsafe names and unregisters', async () => {
    const sut = new ReadinessRegistry();
    const unregister = sut.register('redis', async () => false);
    expect(() => sut.register('redis', async () => true)).toThrow(/already registered/);
    expect(() => sut.register('Redis <b>', async () => true)).toThrow(/must match/);
    unregister();
    expect(sut.names()).toEqual([]);
    expect((await sut.run()).ready).toBe(true);
  });

  it('logs only when a check changes outcome, without the secret from its error', async () => {
    const destination = captureDestination();
    const logger = createLogger({ service: 's', instanceId: 'i', sensitiveValues: ['pw-42'], destination });
    const sut = new ReadinessRegistry({ logger });
    let up = false;
    sut.register('redis', async () => {
      if (!up) throw new Error('auth failed for pw-42');
      return true;
    });
    await sut.run();
    await sut.run();
    up = true;
    await sut.run();
    expect(destination.lines.map((line) => [line['level'], line['msg']])).toEqual([
      ['warn', 'readiness check not passing'],
      ['info', 'readiness check passing'],
    ]);
    expect(destination.raw.join('')).not.toContain('pw-42');
  });
});
