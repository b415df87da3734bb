import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PromScanQueue } from './prom-scan-queue.metrics.js';

async function value(registry: Registry, name: string): Promise<number | undefined> {
  return (await registry.getSingleMetric(name)?.get())?.values[0]?.value;
}

describe('PromScanQueue', () => {
  it('reports the pending scans and the age of the oldest triggering event until it is done', async () => {
    const registry = new Registry();
    const sut = new PromScanQueue(registry, () => Date.parse('2025-01-01T00:01:00Z'));

    const doneOld = sut.enter(new Date('2025-01-01T00:00:00Z'));
    const doneNew = sut.enter(new Date('2025-01-01T00:00:50Z'));
    expect(await value(registry, 'portcullis_scan_queue_depth')).toBe(2);
    expect(await value(registry, 'portcullis_scan_oldest_pending_age_seconds')).toBe(60);

    doneOld();
    expect(await value(registry, 'portcullis_scan_oldest_pending_age_seconds')).toBe(10);
    doneNew();
    expect(await value(registry, 'portcullis_scan_queue_depth')).toBe(0);
    expect(await value(registry, 'portcullis_scan_oldest_pending_age_seconds')).toBe(0);
  });
});
