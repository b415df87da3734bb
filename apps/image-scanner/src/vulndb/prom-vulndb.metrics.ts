import { type Registry } from '@portcullis/observability';
import { type VulnDb } from '@portcullis/vulndb';
import { Counter, Gauge } from 'prom-client';
import { type VulnDbMetrics } from './vulndb.refresher.js';

/** The database's Prometheus metrics on the service registry (/metrics). */
export class PromVulnDbMetrics implements VulnDbMetrics {
  private readonly info: Gauge<'version'>;
  private readonly loadedAt: Gauge;
  private readonly records: Gauge;
  private readonly loads: Counter<'outcome'>;
  private readonly leaderGauge: Gauge;
  private readonly announcements: Counter;

  constructor(registry: Registry) {
    this.info = new Gauge({
      name: 'portcullis_scan_vulndb_info',
      help: 'The vulnerability database version this instance scans with (value 1, version as label).',
      labelNames: ['version'],
      registers: [registry],
    });
    this.loadedAt = new Gauge({
      name: 'portcullis_scan_vulndb_loaded_timestamp_seconds',
      help: 'When the current vulnerability database was loaded (last successful load that changed it).',
      registers: [registry],
    });
    this.records = new Gauge({ name: 'portcullis_scan_vulndb_records', help: 'Advisories in the current vulnerability database.', registers: [registry] });
    this.loads = new Counter({
      name: 'portcullis_scan_vulndb_loads_total',
      help: 'Vulnerability database imports by outcome: swapped, unchanged, failed (source broken; old database kept), mismatch (not the announced version; old database kept).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.leaderGauge = new Gauge({ name: 'portcullis_scan_vulndb_fetcher_leader', help: '1 while this instance holds the fetcher lease.', registers: [registry] });
    this.announcements = new Counter({ name: 'portcullis_scan_vulndb_announcements_total', help: 'vulndb.updated events this instance published.', registers: [registry] });
  }

  loaded(db: VulnDb, at: Date): void {
    this.info.reset();
    this.info.set({ version: db.version }, 1);
    this.loadedAt.set(at.getTime() / 1000);
    this.records.set(db.report.records);
  }

  load(outcome: 'swapped' | 'unchanged' | 'failed' | 'mismatch'): void {
    this.loads.inc({ outcome });
  }

  leader(isLeader: boolean): void {
    this.leaderGauge.set(isLeader ? 1 : 0);
  }

  announced(): void {
    this.announcements.inc();
  }
}
