import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ScanResults as ScanResultsTopic } from '@portcullis/contracts';
import { EventPublisher } from '@portcullis/messaging';
import { STATE_CLIENT, type ServiceKit } from '@portcullis/service-kit';
import { RedisIdempotencyStore, type StateClient } from '@portcullis/state';
import { RedisScanResultCache } from '../adapters/redis-scan-result.cache.js';
import { type ImageScannerConfig } from '../image-scanner.config.js';
import { type VulnDbHolder } from '../vulndb/vulndb.holder.js';
import { VULNDB_HOLDER } from '../vulndb/vulndb.providers.js';
import { DeployEventsController, TRACK_DEPLOYMENT } from './deploy-events.controller.js';
import { PromScanQueue } from './prom-scan-queue.metrics.js';
import { RedisDeploymentStore } from './redis-deployments.store.js';
import { RedisSbomStore } from './redis-sbom.store.js';
import { RematchDeployed } from './rematch-deployed.use-case.js';
import { RematchWatcher } from './rematch.watcher.js';
import { TrackDeployment } from './track-deployment.use-case.js';

/** The `SbomStore` ScanImage writes each scanned image's packages to (`sboms` of ScanImageDeps). */
export const REMATCH_SBOM_STORE = Symbol('image-scanner.rematch.sbom-store');
/** The `ScanQueue` ScanImage reports waiting and running scans to (`queue` of ScanImageDeps). */
export const SCAN_QUEUE = Symbol('image-scanner.rematch.scan-queue');

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RematchOptions {
  /** How long a scanned image's SBOM is kept for re-matching (rewritten on every re-match). Default 30 days. */
  readonly sbomTtlMs?: number;
  /** How long deployment records live (rewritten on every transition). Default 90 days. */
  readonly deployedTtlMs?: number;
  /** How often the held database version is checked for a swap. Default 5 s. */
  readonly pollMs?: number;
}

interface Settings {
  readonly sbomTtlMs: number;
  readonly deployedTtlMs: number;
  readonly pollMs: number;
}

const SETTINGS = Symbol('image-scanner.rematch.settings');

/**
 * Builds the re-match once the app is up: the database holder lives in ImageScannerModule (which
 * imports this module), so it is looked up non-strictly at bootstrap rather than injected.
 */
@Injectable()
class RematchLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  #watcher: RematchWatcher | undefined;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(SETTINGS) private readonly settings: Settings & { readonly kit: ServiceKit<ImageScannerConfig> },
    @Inject(STATE_CLIENT) private readonly state: StateClient,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(REMATCH_SBOM_STORE) private readonly sboms: RedisSbomStore,
    @Inject(TRACK_DEPLOYMENT) private readonly track: TrackDeployment,
  ) {}

  onApplicationBootstrap(): void {
    const { kit, pollMs, sbomTtlMs } = this.settings;
    const { scan } = kit.config;
    const holder = this.moduleRef.get<VulnDbHolder>(VULNDB_HOLDER, { strict: false });
    const claims = new RedisIdempotencyStore(this.state, { namespace: 'rematch' });
    const logger = kit.logger.child({ component: 'rematch' });
    const rematch = new RematchDeployed({
      deployed: () => this.track.deployed(),
      sboms: this.sboms,
      results: new RedisScanResultCache(this.state, scan.resultTtlMs),
      claim: {
        // Kept as long as an SBOM: a version is re-matched once, however many instances swap to it.
        tryClaim: (version) => claims.tryClaim(version, sbomTtlMs),
        release: (version) => claims.forget([version]),
      },
      publish: async (body, id) => {
        await this.publisher.publish(ScanResultsTopic, body, { id });
      },
      logger,
      settings: { platform: scan.platform, policy: { failOn: scan.failOn, requireFix: true } },
    });
    this.#watcher = new RematchWatcher(holder, rematch, logger);
    this.#watcher.start(pollMs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.#watcher?.stop();
  }
}

/**
 * Re-matching of deployed images on a new vulnerability database: tracks which digests run where
 * (`deploy.events`), keeps each scanned image's SBOM (ScanImage writes it through
 * `REMATCH_SBOM_STORE`), and when this instance swaps databases, one instance per version matches
 * the deployed SBOMs without pulling and publishes the changed verdicts. Also the scan queue
 * gauges (`SCAN_QUEUE`). Global, so ImageScannerModule's ScanImage can inject both tokens.
 */
@Module({})
export class RematchModule {
  static forRoot(kit: ServiceKit<ImageScannerConfig>, options: RematchOptions = {}): DynamicModule {
    const settings = {
      kit,
      sbomTtlMs: options.sbomTtlMs ?? 30 * DAY_MS,
      deployedTtlMs: options.deployedTtlMs ?? 90 * DAY_MS,
      pollMs: options.pollMs ?? 5_000,
    };
    const queue = new PromScanQueue(kit.metrics);
    return {
      module: RematchModule,
      global: true,
      controllers: [DeployEventsController],
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: SCAN_QUEUE, useValue: queue },
        { provide: REMATCH_SBOM_STORE, inject: [STATE_CLIENT], useFactory: (state: StateClient) => new RedisSbomStore(state, settings.sbomTtlMs) },
        {
          provide: TRACK_DEPLOYMENT,
          inject: [STATE_CLIENT],
          useFactory: (state: StateClient) => new TrackDeployment(new RedisDeploymentStore(state, { ttlMs: settings.deployedTtlMs, ownerId: kit.config.identity.instanceId })),
        },
        RematchLifecycle,
      ],
      exports: [REMATCH_SBOM_STORE, SCAN_QUEUE],
    };
  }
}
