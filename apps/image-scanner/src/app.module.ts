import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamicModule, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { type CommandRunner } from '@portcullis/image-tests';
import { loadKubeConfig } from '@portcullis/kube';
import { type RegistryConfig } from '@portcullis/registry';
import { createScanEngine, createSecretScanner, type SecretScanner } from '@portcullis/secrets';
import { GitMirrorCache, gitHostsOf } from '@portcullis/git';
import { EventPublisher } from '@portcullis/messaging';
import { RegistryClient } from '@portcullis/registry';
import { httpRoutes, STATE_CLIENT, type ServiceKit } from '@portcullis/service-kit';
import { RedisTokenBucket, type StateClient } from '@portcullis/state';
import { KafkaScanResults } from './adapters/kafka-scan.results.js';
import { PromScanMetrics } from './adapters/prom-scan.metrics.js';
import { RedisImageTestResultCache } from './adapters/redis-image-test-result.cache.js';
import { RedisLayerContributionCache } from './adapters/redis-layer-contribution.cache.js';
import { RedisLayerSecretsCache } from './adapters/redis-layer-secrets.cache.js';
import { RedisSecretTriageView } from './adapters/redis-secret-triage.view.js';
import { RedisScanResultCache } from './adapters/redis-scan-result.cache.js';
import { RedisScanLock } from './adapters/redis-scan.lock.js';
import { RegistryImageSource } from './adapters/registry-image.source.js';
import { ExportOpenVex } from './http/export-openvex.use-case.js';
import { scannerRoutesPlugin } from './http/scanner-routes.plugin.js';
import { type ImageScannerConfig } from './image-scanner.config.js';
import { DockerApiCommandRunner, dockerClientFor } from './image-tests/docker-api.command-runner.js';
import { type ImageTestsConfig } from './image-tests/image-tests.config.js';
import { KubernetesJobCommandRunner } from './image-tests/kubernetes-job.command-runner.js';
import { defaultImagePolicy } from './policy/image-policy.schema.js';
import { GitPolicyFiles } from './policy/git-policy.files.js';
import { GitPolicySource } from './policy/git-policy.source.js';
import { DefaultPolicySource, type PolicySource } from './policy/policy-source.js';
import { RedisPolicyCache } from './policy/redis-policy.cache.js';
import { loadRegistries, type RegistriesEnvironment } from './registries/registries-file.loader.js';
import { RegistryEventsController, SCAN_IMAGE } from './registry.events.controller.js';
import { REMATCH_SBOM_STORE, RematchModule, SCAN_QUEUE } from './rematch/rematch.module.js';
import { type SbomStore, type ScanQueue } from './scan/scan-image.ports.js';
import { ConcurrencyLimit } from './scan/concurrency-limit.js';
import { type ImageSecretsDeps, ScanImage } from './scan/scan-image.use-case.js';
import { VulndbEventsController } from './vulndb/vulndb.events.controller.js';
import { type VulnDbHolder } from './vulndb/vulndb.holder.js';
import { VULNDB_HOLDER, vulnDbProviders } from './vulndb/vulndb.providers.js';

const REGISTRY_CLIENT = Symbol('image-scanner.registry-client');
const POLICY_SOURCE = Symbol('image-scanner.policy-source');
const SECRET_SCANNER = Symbol('image-scanner.secret-scanner');

/** Ends the secret engine's worker threads when the app closes. */
@Injectable()
class SecretScannerShutdown implements OnModuleDestroy {
  constructor(@Inject(SECRET_SCANNER) private readonly scanner: SecretScanner | null) {}

  async onModuleDestroy(): Promise<void> {
    await this.scanner?.close();
  }
}
/** Closes the registry client's pooled connections when the app closes. */
@Injectable()
class RegistryClientShutdown implements OnModuleDestroy {
  constructor(@Inject(REGISTRY_CLIENT) private readonly client: RegistryClient) {}

  async onModuleDestroy(): Promise<void> {
    await this.client.close();
  }
}

/**
 * image-scanner: consumes `registry.events` (image pushes and build announcements), scans each
 * digest once per database version (results and layer contributions cached in Redis, one scan per
 * digest across instances) and publishes `scan.results`, judged by the repository's policy at the
 * built commit when a git host is configured (policy/GitPolicySource), else the platform default.
 * Health, metrics, Kafka and Redis come from the global ServiceKitModule. The registries file and the OSV database are read at boot; a
 * bad file or database stops the service with the reason. Afterwards the leader-elected fetcher
 * re-imports the database and every instance follows announced versions (vulndb/). With
 * SCANNER_API_TOKEN set it serves `GET /v1/images/:digest/openvex` (http/).
 */
@Module({})
export class ImageScannerModule {
  static forRoot(kit: ServiceKit<ImageScannerConfig>, io: RegistriesEnvironment): DynamicModule {
    const { scan } = kit.config;
    const loaded = loadRegistries(scan.registriesFile, io);
    // Registry credentials come from files and variables only this module reads: the process
    // logger learns them here, before anything could log them.
    kit.scrubber.add(loaded.secretValues);
    const logger = kit.logger.child({ component: 'image-scanner' });
    logger.info(
      { registries: loaded.registries.map((r) => ({ registry: r.registry, insecure: r.insecure === true, credentials: r.credentials ? ('bearerToken' in r.credentials ? 'bearer' : 'basic') : 'anonymous' })) },
      'registries loaded',
    );
    const metrics = new PromScanMetrics(kit.metrics);
    const { secrets } = kit.config;
    const platformPolicy = { failOn: scan.failOn, requireFix: true, secretsFailOn: secrets.defaultFailOn };
    if (secrets.fingerprintKey === undefined) logger.warn({}, 'SECRETS_FINGERPRINT_KEY is unset: images are not scanned for secrets');
    const runner = commandRunnerOf(kit.config.imageTests, loaded.registries);
    logger.info({ runner: kit.config.imageTests.runner }, runner ? 'image command tests run in a sandbox' : 'IMAGE_TESTS_RUNNER is none: declared command tests are reported as not run');
    // The synchronous engine, in-process: env values are a few short lines, not worth a worker hop.
    const envSecretScanner = secrets.fingerprintKey === undefined ? undefined : createScanEngine({ fingerprintKey: Buffer.from(secrets.fingerprintKey) });
    const hosts = gitHostsOf(kit.config.git);
    const apiToken = kit.config.api.token;
    logger.info({ route: 'GET /v1/images/:digest/openvex' }, apiToken === undefined ? 'scanner API not mounted: SCANNER_API_TOKEN is unset' : 'scanner API mounted');
    logger.info({ policyHosts: Object.keys(hosts) }, Object.keys(hosts).length > 0 ? 'repository policies read from git' : 'no git host configured; default policy for every release');
    return {
      module: ImageScannerModule,
      imports: [RematchModule.forRoot(kit, { sbomTtlMs: scan.sbomTtlMs, deployedTtlMs: scan.deployedTtlMs, pollMs: scan.rematchPollMs })],
      controllers: [RegistryEventsController, VulndbEventsController],
      providers: [
        ...(apiToken === undefined
          ? []
          : [
              httpRoutes('scanner API', [STATE_CLIENT, POLICY_SOURCE, VULNDB_HOLDER], (state: StateClient, policies: PolicySource, vulndb: VulnDbHolder) =>
                scannerRoutesPlugin({
                  apiToken,
                  defaultPlatform: scan.platform,
                  retryAfterSeconds: 5,
                  exportOpenVex: new ExportOpenVex({
                    results: new RedisScanResultCache(state, scan.resultTtlMs),
                    policies,
                    defaultPolicy: { policy: defaultImagePolicy(platformPolicy), source: 'default' },
                    vulndb,
                    clock: () => new Date(),
                  }),
                  logger,
                }),
              ),
            ]),
        {
          provide: REGISTRY_CLIENT,
          useFactory: () =>
            new RegistryClient({
              registries: [...loaded.registries],
              limits: { maxBlobBytes: scan.maxLayerBytes, maxLayerUncompressedBytes: scan.maxLayerUncompressedBytes },
            }),
        },
        RegistryClientShutdown,
        {
          provide: SECRET_SCANNER,
          useFactory: (): SecretScanner | null =>
            secrets.fingerprintKey === undefined
              ? null
              : createSecretScanner({
                  fingerprintKey: Buffer.from(secrets.fingerprintKey),
                  maxFileBytes: secrets.maxFileBytes,
                  fileTimeBudgetMs: secrets.fileTimeBudgetMs,
                  ...(secrets.workers > 0 ? { workers: secrets.workers } : {}),
                }),
        },
        SecretScannerShutdown,
        {
          provide: POLICY_SOURCE,
          inject: [STATE_CLIENT],
          useFactory: async (state: StateClient): Promise<PolicySource> => {
            if (Object.keys(hosts).length === 0) return new DefaultPolicySource(platformPolicy);
            const { git } = kit.config;
            const cache = await GitMirrorCache.open({
              directory: git.mirrorDir || join(tmpdir(), `portcullis-policy-mirrors-${kit.config.identity.instanceId}`),
              maxBytes: git.mirrorMaxBytes,
              limits: { fetchTimeoutMs: git.fetchTimeoutMs },
            });
            return new GitPolicySource({ files: new GitPolicyFiles(cache, hosts), cache: new RedisPolicyCache(state, git.policyCacheTtlMs), logger, platform: platformPolicy });
          },
        },
        ...vulnDbProviders(kit, logger),
        {
          provide: SCAN_IMAGE,
          inject: [REGISTRY_CLIENT, VULNDB_HOLDER, STATE_CLIENT, EventPublisher, POLICY_SOURCE, REMATCH_SBOM_STORE, SCAN_QUEUE, SECRET_SCANNER],
          useFactory: (
            client: RegistryClient,
            vulndb: VulnDbHolder,
            state: StateClient,
            publisher: EventPublisher,
            policies: PolicySource,
            sboms: SbomStore,
            queue: ScanQueue,
            secretScanner: SecretScanner | null,
          ) =>
            new ScanImage({
              images: new RegistryImageSource(
                client,
                new RedisTokenBucket(state, { namespace: 'scan-registry-budget' }),
                { limit: { capacity: scan.registryBurst, refillPerSecond: scan.registryPerSecond }, waitMs: scan.registryWaitMs },
                metrics,
              ),
              layerCache: new RedisLayerContributionCache(state, scan.layerCacheTtlMs, scan.layerCacheMaxBytes, logger),
              results: new RedisScanResultCache(state, scan.resultTtlMs),
              lock: new RedisScanLock(state, { ttlMs: scan.lockTtlMs, busyRetryMs: scan.busyRetryMs, ownerId: kit.config.identity.instanceId }),
              publish: new KafkaScanResults(publisher),
              vulndb,
              slots: new ConcurrencyLimit(scan.concurrency),
              metrics,
              logger,
              policies,
              sboms,
              queue,
              clock: () => new Date(),
              ...(secretScanner ? { secrets: imageSecretsDeps(secretScanner, state, scan.layerCacheMaxBytes, secrets, logger) } : {}),
              imageTests: {
                ...(runner ? { runner } : {}),
                ...(envSecretScanner ? { secretScanner: envSecretScanner } : {}),
                cache: new RedisImageTestResultCache(state, scan.resultTtlMs),
              },
              settings: {
                platform: scan.platform,
                maxAttempts: kit.config.messaging.maxAttempts,
                timeoutMs: scan.timeoutMs,
                maxImageBytes: scan.maxImageBytes,
                policy: platformPolicy,
              },
            }),
        },
      ],
    };
  }
}

/** The secret scan of images: the engine, its per-layer cache and the secret-auditor's triage view. */
function imageSecretsDeps(
  engine: SecretScanner,
  state: StateClient,
  layerCacheMaxBytes: number,
  settings: ImageScannerConfig['secrets'],
  logger: { warn(obj: object, msg: string): void },
): ImageSecretsDeps {
  return {
    engine,
    cache: new RedisLayerSecretsCache(state, settings.layerCacheTtlMs, layerCacheMaxBytes, logger),
    triage: new RedisSecretTriageView(state),
    settings: { maxFileBytes: settings.maxFileBytes, maxImageBytes: settings.maxImageBytes, maxImageMs: settings.maxImageMs, failOn: settings.defaultFailOn },
  };
}

/**
 * The sandbox command tests run in, from IMAGE_TESTS_RUNNER. The Docker-API runner pulls with the
 * credentials of the registries file (username and password only: an engine takes no bearer
 * token) and treats as insecure both IMAGE_TESTS_INSECURE_REGISTRIES and the file's `insecure`
 * registries. The Job runner reads IMAGE_TESTS_KUBECONFIG, or in-cluster / the default kubeconfig.
 */
function commandRunnerOf(config: ImageTestsConfig, registries: readonly RegistryConfig[]): CommandRunner | undefined {
  const { limits } = config;
  switch (config.runner) {
    case 'none':
      return undefined;
    case 'docker': {
      const insecure = [...new Set([...config.docker.insecureRegistries, ...registries.filter((r) => r.insecure === true).map((r) => r.registry)])];
      return new DockerApiCommandRunner({
        docker: dockerClientFor(config.docker.host),
        insecureRegistries: insecure,
        pullTimeoutMs: config.docker.pullTimeoutMs,
        memoryBytes: limits.memoryBytes,
        cpuMillis: limits.cpuMillis,
        pidsLimit: limits.pids,
        tmpBytes: limits.tmpBytes,
        credentialsFor: (registry) => {
          const credentials = registries.find((r) => r.registry === registry)?.credentials;
          return credentials && 'username' in credentials ? { username: credentials.username, password: credentials.password } : undefined;
        },
      });
    }
    case 'kubernetes':
      return new KubernetesJobCommandRunner({
        kubeConfig: loadKubeConfig(config.kubernetes.kubeconfig || undefined),
        namespace: config.kubernetes.namespace,
        ttlSecondsAfterFinished: Math.ceil(config.kubernetes.jobTtlMs / 1000),
        startupAllowanceMs: config.kubernetes.startupAllowanceMs,
        pollMs: config.kubernetes.pollMs,
        memoryBytes: limits.memoryBytes,
        cpuMillis: limits.cpuMillis,
        tmpBytes: limits.tmpBytes,
        ...(config.kubernetes.imagePullSecret ? { imagePullSecret: config.kubernetes.imagePullSecret } : {}),
        ...(config.kubernetes.nodeSelector.length > 0 ? { nodeSelector: nodeSelectorOf(config.kubernetes.nodeSelector) } : {}),
      });
  }
}

/** `key=value` entries of IMAGE_TESTS_NODE_SELECTOR; a malformed one stops the boot with its text. */
function nodeSelectorOf(entries: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    entries.map((entry) => {
      const eq = entry.indexOf('=');
      if (eq <= 0) throw new Error(`IMAGE_TESTS_NODE_SELECTOR: "${entry}" is not key=value`);
      return [entry.slice(0, eq).trim(), entry.slice(eq + 1).trim()];
    }),
  );
}
