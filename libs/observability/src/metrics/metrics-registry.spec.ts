import { Counter } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metrics-registry.js';

describe('createMetricsRegistry', () => {
  it('exposes default Node metrics labelled with the service and instance', async () => {
    const sut = createMetricsRegistry({ service: 'notifier', instanceId: 'n-1' });
    const text = await sut.metrics();
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service_name="notifier",service_instance_id="n-1"\} \d/m);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('gives every caller its own registry', async () => {
    const a = createMetricsRegistry({ service: 'a', instanceId: '1', defaultMetrics: false });
    const b = createMetricsRegistry({ service: 'b', instanceId: '1', defaultMetrics: false });
    new Counter({ name: 'portcullis_test_total', help: 'test', registers: [a] }).inc(2);
    // Registering the same name on another registry must not clash, as it would on a global one.
    new Counter({ name: 'portcullis_test_total', help: 'test', registers: [b] });
    expect(await a.metrics()).toContain('portcullis_test_total{service_name="a",service_instance_id="1"} 2');
    expect(await b.metrics()).toContain('portcullis_test_total{service_name="b",service_instance_id="1"} 0');
    expect(await a.metrics()).not.toContain('process_cpu');
  });
});
