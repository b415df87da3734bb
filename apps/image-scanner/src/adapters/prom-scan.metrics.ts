import { type Registry } from '@portcullis/observability';
import { Counter, Gauge } from 'prom-client';
import { type ScanMetrics } from '../scan/scan-image.ports.js';
import { type PullMetrics } from './registry-image.source.js';

/**
 * The scanner's Prometheus metrics on the service registry (/metrics). Cache hit ratios are
 * `…{outcome="hit"} / sum(…)` of the two cache counters.
 */
export class PromScanMetrics implements ScanMetrics, PullMetrics {
  private readonly results: Counter<'outcome'>;
  private readonly layers: Counter<'outcome'>;
  private readonly scans: Counter<'outcome'>;
  private readonly running: Gauge;
  private readonly pulledLayers: Counter<'registry'>;
  private readonly pulledBytes: Counter<'registry'>;

  constructor(registry: Registry) {
    this.results = new Counter({
      name: 'portcullis_scan_result_cache_total',
      help: 'Scan requests answered from the result cache (hit) or by a scan (miss), by digest and database version.',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.layers = new Counter({
      name: 'portcullis_scan_layer_cache_total',
      help: 'Layers of scanned images whose SBOM contribution came from the cache (hit) or was pulled (miss).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.scans = new Counter({
      name: 'portcullis_scan_requests_total',
      help: 'Scan requests by outcome: completed, cached, failed (scan.failed published), retry, busy (re-scheduled: another instance scans the digest or the registry budget is spent).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.running = new Gauge({ name: 'portcullis_scans_in_progress', help: 'Scans running on this instance.', registers: [registry] });
    this.pulledLayers = new Counter({
      name: 'portcullis_scan_layers_pulled_total',
      help: 'Layers pulled from registries.',
      labelNames: ['registry'],
      registers: [registry],
    });
    this.pulledBytes = new Counter({
      name: 'portcullis_scan_layer_bytes_pulled_total',
      help: 'Compressed bytes of the layers pulled from registries (their manifest size).',
      labelNames: ['registry'],
      registers: [registry],
    });
  }

  resultCache(outcome: 'hit' | 'miss'): void {
    this.results.inc({ outcome });
  }

  layerCache(outcome: 'hit' | 'miss'): void {
    this.layers.inc({ outcome });
  }

  inProgress(delta: 1 | -1): void {
    this.running.inc(delta);
  }

  outcome(outcome: 'completed' | 'cached' | 'failed' | 'retry' | 'busy'): void {
    this.scans.inc({ outcome });
  }

  layerPulled(registry: string, compressedBytes: number): void {
    this.pulledLayers.inc({ registry });
    this.pulledBytes.inc({ registry }, compressedBytes);
  }
}
