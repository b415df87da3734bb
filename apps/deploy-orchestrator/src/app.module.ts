import { type DynamicModule, Module } from '@nestjs/common';
import { GitMirrorCache, gitHostsOf } from '@portcullis/git';
import { ClientNodeKubeCluster, KubeRollout, loadKubeConfig } from '@portcullis/kube';
import { defaultKustomizeBinary, KustomizeRenderer } from '@portcullis/manifests';
import { EventPublisher } from '@portcullis/messaging';
import { httpRoutes, type ServiceKit, STATE_CLIENT } from '@portcullis/service-kit';
import { RedisFencingLock, type StateClient, withLockWaiting } from '@portcullis/state';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitManifestGate } from './adapters/git-manifest.gate.js';
import { GitReleaseFiles } from './adapters/git-release.files.js';
import { KafkaTransitionBus } from './adapters/kafka-transition.bus.js';
import { KubeRollouts } from './adapters/kube.rollouts.js';
import { RedisAppEnvironmentIndex } from './adapters/redis-app-environment.index.js';
import { RedisReleaseStore } from './adapters/redis-release.store.js';
import { type DeployOrchestratorConfig } from './deploy-orchestrator.config.js';
import { releaseRoutesPlugin } from './http/release-routes.plugin.js';
import { RECONCILE_RELEASE, ReleaseInputsEventsController } from './release-inputs.events.controller.js';
import { type Locks, ReconcileRelease } from './release/reconcile-release.use-case.js';
import { type ReleaseStore } from './release/reconcile.ports.js';

const RELEASE_STORE = Symbol('deploy-orchestrator.release-store');

/**
 * The reconciler's locks: a busy one is waited for briefly (another event of the same release is
 * usually done within milliseconds), then the event is handed back after `busyRetryMs`.
 */
function lockWaiting(lock: RedisFencingLock, options: { waitMs: number; busyRetryMs: number }): Locks {
  return { withLock: (name, ttlMs, fn) => withLockWaiting(lock, name, fn, { ttlMs, ...options }) };
}
/**
 * deploy-orchestrator: consumes `audit.results`, `scan.results`, `registry.events` (builds) and
 * the release commands of `operator.commands`; reconciles each release (gates, manifest policy,
 * rollout, rollback) and publishes `deploy.events`; serves the release API when DEPLOY_API_TOKEN
 * is set. Health, metrics, Kafka and Redis come from the global ServiceKitModule.
 */
@Module({})
export class DeployOrchestratorModule {
  static forRoot(kit: ServiceKit<DeployOrchestratorConfig>): DynamicModule {
    const { git, cluster, reconcile, manifests, api } = kit.config;
    const logger = kit.logger.child({ component: 'deploy-orchestrator' });
    const hosts = gitHostsOf(git);
    const apiToken = api.token;
    logger.info({ route: 'GET|POST /v1/releases/…' }, apiToken === undefined ? 'release API not mounted: DEPLOY_API_TOKEN is unset' : 'release API mounted');
    logger.info({ gitHosts: Object.keys(hosts) }, Object.keys(hosts).length > 0 ? 'pipeline files read from git' : 'no git host configured: no repository can deploy');
    return {
      module: DeployOrchestratorModule,
      controllers: [ReleaseInputsEventsController],
      providers: [
        { provide: RELEASE_STORE, inject: [STATE_CLIENT], useFactory: (state: StateClient) => new RedisReleaseStore(state, reconcile.releaseTtlMs) },
        ...(apiToken === undefined
          ? []
          : [
              httpRoutes('release API', [EventPublisher, RELEASE_STORE], (publisher: EventPublisher, releases: ReleaseStore) =>
                releaseRoutesPlugin({ apiToken, maxBodyBytes: 16 * 1024, retryAfterSeconds: 5, releases, publisher, logger }),
              ),
            ]),
        {
          provide: RECONCILE_RELEASE,
          inject: [STATE_CLIENT, EventPublisher, RELEASE_STORE],
          useFactory: async (state: StateClient, publisher: EventPublisher, releases: ReleaseStore) => {
            const mirrors = await GitMirrorCache.open({
              directory: git.mirrorDir || join(tmpdir(), `portcullis-deploy-mirrors-${kit.config.identity.instanceId}`),
              maxBytes: git.mirrorMaxBytes,
              limits: { fetchTimeoutMs: git.fetchTimeoutMs },
            });
            const files = new GitReleaseFiles(mirrors, hosts);
            const kubeConfig = cluster.kubeconfig ? loadKubeConfig(cluster.kubeconfig) : loadKubeConfig();
            if (cluster.context) kubeConfig.setCurrentContext(cluster.context);
            return new ReconcileRelease({
              releases,
              index: new RedisAppEnvironmentIndex(state, reconcile.releaseTtlMs),
              files,
              manifests: new GitManifestGate(files, new KustomizeRenderer({ binary: manifests.kustomizeBin || defaultKustomizeBinary(), timeoutMs: manifests.renderTimeoutMs })),
              rollouts: new KubeRollouts(new Map([['default', new KubeRollout(new ClientNodeKubeCluster(kubeConfig))]])),
              bus: new KafkaTransitionBus(publisher, kit.metrics),
              locks: lockWaiting(new RedisFencingLock(state, { namespace: 'deploy-lock' }), { waitMs: reconcile.lockWaitMs, busyRetryMs: reconcile.busyRetryMs }),
              clock: { now: () => new Date() },
              options: { stepBudgetMs: reconcile.stepBudgetMs, lockTtlMs: reconcile.lockTtlMs, busyRetryMs: reconcile.busyRetryMs },
            });
          },
        },
      ],
    };
  }
}
