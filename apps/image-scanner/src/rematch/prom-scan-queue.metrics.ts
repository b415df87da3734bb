import { type Registry } from '@portcullis/observability';
import { Gauge } from 'prom-client';
import { type ScanQueue } from '../scan/scan-image.ports.js';

/**
 * Queue depth and age of this instance's scans (waiting for a slot or running):
 * `portcullis_scan_queue_depth` and `portcullis_scan_oldest_pending_age_seconds`, the latter
 * computed at scrape time from the triggering event's time. Cache hit ratio and bytes pulled are
 * PromScanMetrics' `portcullis_scan_result_cache_total` and `portcullis_scan_layer_bytes_pulled_total`.
 */
export class PromScanQueue implements ScanQueue {
  readonly #pending = new Map<number, number>();
  #next = 0;

  constructor(registry: Registry, now: () => number = Date.now) {
    const pending = this.#pending;
    new Gauge({
      name: 'portcullis_scan_queue_depth',
      help: 'Scans waiting for a slot or running on this instance.',
      registers: [registry],
      collect() {
        this.set(pending.size);
      },
    });
    new Gauge({
      name: 'portcullis_scan_oldest_pending_age_seconds',
      help: 'Seconds since the event behind the oldest scan waiting or running on this instance (0 when none).',
      registers: [registry],
      collect() {
        const oldest = Math.min(...pending.values());
        this.set(pending.size === 0 ? 0 : Math.max(0, (now() - oldest) / 1000));
      },
    });
  }

  enter(requestedAt: Date): () => void {
    const id = this.#next++;
    this.#pending.set(id, requestedAt.getTime());
    return () => void this.#pending.delete(id);
  }
}
