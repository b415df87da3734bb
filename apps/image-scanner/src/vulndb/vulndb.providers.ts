import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy, type Provider } from '@nestjs/common';
import { VulndbEvents } from '@portcullis/contracts';
import { EventPublisher } from '@portcullis/messaging';
import { type Logger } from '@portcullis/observability';
import { STATE_CLIENT, type ServiceKit } from '@portcullis/service-kit';
import { RedisFencingLock, RedisRecordStore, type StateClient } from '@portcullis/state';
import { loadVulnDbSource } from '@portcullis/vulndb';
import { type ImageScannerConfig } from '../image-scanner.config.js';
import { PromVulnDbMetrics } from './prom-vulndb.metrics.js';
import { type AnnouncedVersion } from './vulndb-refresh.decision.js';
import { VULNDB_REFRESHER } from './vulndb.events.controller.js';
import { VulnDbHolder } from './vulndb.holder.js';
import { VulnDbRefresher } from './vulndb.refresher.js';

export const VULNDB_HOLDER = Symbol('image-scanner.vulndb-holder');

const DAY_MS = 24 * 60 * 60 * 1000;

/** Starts the fetcher/follower timers once the app is up and stops them (releasing the lease) on close. */
@Injectable()
class VulnDbRefresherLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(VULNDB_REFRESHER) private readonly refresher: VulnDbRefresher) {}

  onApplicationBootstrap(): void {
    this.refresher.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.refresher.stop();
  }
}

/**
 * The holder (loaded from the source at boot: a bad source stops the service with the reason), the
 * refresher (leader-elected import, announcement, per-instance follow) and its lifecycle.
 */
export function vulnDbProviders(kit: ServiceKit<ImageScannerConfig>, logger: Logger): Provider[] {
  const { scan } = kit.config;
  const metrics = new PromVulnDbMetrics(kit.metrics);
  const load = () => loadVulnDbSource(scan.vulndbPath, { maxBytes: scan.vulndbDownloadMaxBytes, timeoutMs: scan.vulndbDownloadTimeoutMs });
  return [
    {
      provide: VULNDB_HOLDER,
      useFactory: async () => {
        const db = await load();
        const holder = new VulnDbHolder(db);
        metrics.loaded(db, holder.loadedAt);
        logger.info({ version: db.version, source: scan.vulndbSourceId, records: db.report.records, withdrawn: db.report.withdrawn, issues: db.report.issueCount }, 'vulnerability database loaded');
        return holder;
      },
    },
    {
      provide: VULNDB_REFRESHER,
      inject: [VULNDB_HOLDER, STATE_CLIENT, EventPublisher],
      useFactory: (holder: VulnDbHolder, state: StateClient, publisher: EventPublisher) =>
        new VulnDbRefresher({
          holder,
          load,
          lock: new RedisFencingLock(state, { ownerId: kit.config.identity.instanceId }),
          records: new RedisRecordStore<AnnouncedVersion>(state, { namespace: 'vulndb' }),
          announce: async (event) => {
            // One id per version: a re-announcement after a failed record write is the same fact.
            await publisher.publish(VulndbEvents, event, { id: `vulndb-updated:${event.sha256}` });
          },
          metrics,
          logger: logger.child({ component: 'vulndb' }),
          settings: {
            sourceId: scan.vulndbSourceId,
            refreshMs: scan.vulndbRefreshMs,
            pollMs: scan.vulndbPollMs,
            leaseTtlMs: scan.vulndbLeaseTtlMs,
            recordTtlMs: 30 * DAY_MS,
            retryMs: Math.min(scan.vulndbRefreshMs, 5 * 60 * 1000),
          },
        }),
    },
    VulnDbRefresherLifecycle,
  ];
}
