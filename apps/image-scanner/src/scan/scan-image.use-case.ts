import { type ImageReference, type ImageSecretsSection, type ImageTestsSection, parseReleaseId, type Severity } from '@portcullis/contracts';
import { dispositionOf } from '@portcullis/errors';
import { type CommandRunner, type EnvSecretScanner, type ImageFileSystem, resolveImageTests, runImageTests } from '@portcullis/image-tests';
import { extractSbom, type LayerInput, MergedFileSystem } from '@portcullis/sbom';
import { defaultSecretsPolicy } from '@portcullis/secrets';
import { PassThrough, type Readable } from 'node:stream';
import { imageTestsSection, invalidImageTestsSection } from '../image-tests/image-tests.section.js';
import { DefaultPolicySource, type ImageTestsPolicy, type PolicySource, type ResolvedImagePolicy } from '../policy/policy-source.js';
import { buildImageSecrets, scanConfigSecrets } from '../secrets/image-secrets.js';
import { judgeImageSecrets } from '../secrets/judge-secrets.js';
import { type LayerSecrets, scanLayerSecrets, SecretScanBudget, type SecretEngine } from '../secrets/layer-secrets.js';
import { type ConcurrencyLimit } from './concurrency-limit.js';
import {
  type ImageLayer,
  type ImageSource,
  type ImageTestResultCache,
  type LayerContributionCache,
  type LayerSecretsCache,
  type ResolvedImageLayers,
  type ScanKey,
  type ScanLock,
  type ScanMetrics,
  type ScanOrigin,
  type ScanResultCache,
  type SbomStore,
  type ScanQueue,
  type ScanResults,
  type SecretTriageView,
  type VulnerabilityDatabase,
} from './scan-image.ports.js';
import { applyPolicy, buildScan, type CachedScan, completedEvent, failedEvent, findingIdsOf, packageRefsOf, type ScanRelease, type VulnerabilityPolicy } from './scan-report.js';
import { failureOf, ScanError } from './scan.error.js';

type StoredSbomPackages = ReturnType<typeof packageRefsOf>;

/** One image to scan, from an `image.pushed` or a `build.announced`. */
export interface ScanImageCommand {
  /** Pinned by digest (a manifest or an index); the tag is only carried into the result. */
  readonly image: ImageReference;
  /** Set for a build announcement: the result is then the release's. */
  readonly release?: ScanRelease;
  /** 1 on first delivery; with `maxAttempts`, decides when a retryable failure becomes `scan.failed`. */
  readonly attempt: number;
  readonly origin: ScanOrigin;
  /** When the triggering event happened (its CloudEvent `time`), for the oldest-pending-scan age; now when absent. */
  readonly requestedAt?: Date;
  /** Aborted when the consumer shuts down or the handler's budget runs out. */
  readonly signal?: AbortSignal;
}

export interface ScanImageDeps {
  readonly images: ImageSource;
  readonly layerCache: LayerContributionCache;
  readonly results: ScanResultCache;
  readonly lock: ScanLock;
  readonly publish: ScanResults;
  readonly vulndb: VulnerabilityDatabase;
  readonly slots: ConcurrencyLimit;
  readonly metrics: ScanMetrics;
  readonly logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Keeps each scanned image's packages so a new database can re-match it without a pull (rematch/). */
  readonly sboms?: SbomStore;
  /** Tracks scans waiting for a slot or running (queue depth, oldest pending age). */
  readonly queue?: ScanQueue;
  /** The policy of the repository and commit a release was built from; the platform default when absent. */
  readonly policies?: PolicySource;
  /** Now, for suppression expiry. */
  readonly clock?: () => Date;
  /** The secret scan of layers, env and history; absent = images are not scanned for secrets (no `secrets` in results). */
  readonly secrets?: ImageSecretsDeps;
  /** What the image tests a repository declares (`imageTests:`) run with; absent = no runner, no env secret engine, no cache. */
  readonly imageTests?: ImageTestsDeps;
  readonly settings: {
    /** `os/arch[/variant]` picked from indexes. */
    readonly platform: string;
    /** Delivery attempts the consumer makes; the last one publishes `scan.failed` instead of throwing. */
    readonly maxAttempts: number;
    /** Budget of one scan, from resolving the digest to the last layer. */
    readonly timeoutMs: number;
    /** Sum of the compressed layer sizes accepted for one image. */
    readonly maxImageBytes: number;
    /** The platform default: images of no known release, and any release when `policies` is absent. */
    readonly policy: VulnerabilityPolicy;
  };
}

/** What the secret scan of images needs. */
export interface ImageSecretsDeps {
  /** libs/secrets' scanner (worker pool), with the platform fingerprint key the secret-auditor uses. */
  readonly engine: SecretEngine;
  readonly cache: LayerSecretsCache;
  readonly triage: SecretTriageView;
  readonly settings: {
    /** Larger files are not read (`TOO_LARGE`): the engine's per-file limit. */
    readonly maxFileBytes: number;
    /** Bytes of layer files one image's scan hands to the engine; the rest is skipped (`IMAGE_BYTES_BUDGET`). */
    readonly maxImageBytes: number;
    /** Wall time one image's secret scan may take; later files are skipped (`IMAGE_TIME_BUDGET`). */
    readonly maxImageMs: number;
    /** Lowest severity that fails when the repository's `.portcullis.yaml` has no `secrets:` section. */
    readonly failOn: Severity;
  };
}

/** What the image tests run with. Metadata and content checks need none of it. */
export interface ImageTestsDeps {
  /** Runs command tests (Docker API or Kubernetes Job); absent = command tests are `not-run`. */
  readonly runner?: CommandRunner;
  /** libs/secrets' synchronous engine, for `metadata.noSecretEnv`; absent = only the name heuristic. */
  readonly secretScanner?: EnvSecretScanner;
  /** Complete reports by image and spec hash; absent = every report of a release runs the tests. */
  readonly cache?: ImageTestResultCache;
}

/** What became of one command, for logs and tests. */
export type ScanImageOutcome =
  | { readonly kind: 'completed'; readonly cached: boolean; readonly verdict: CachedScan['verdict'] }
  | { readonly kind: 'failed'; readonly code: string };

/**
 * ScanImage: answers every registry event with one `scan.results` fact for its digest.
 *
 * - A digest already scanned with the current database is answered from the result cache.
 * - Otherwise one scan per digest runs across all instances (a Redis lock); an instance that finds
 *   the lock held re-schedules its event (not-ready) and later finds the result cached. Within one
 *   instance, concurrent events for a digest join the scan in flight.
 * - The scan pulls only layers whose contribution is not cached by layer digest, so an image
 *   sharing a base with one scanned before pulls only its own layers, and a retried scan resumes.
 * - Permanent failures (auth, not found, digest mismatch, bad layers, size limits) and the last
 *   attempt of transient ones become `scan.failed` with the reason; other transient failures go
 *   back to the consumer, which retries with backoff honouring the registry's Retry-After.
 */
export class ScanImage {
  private readonly inFlight = new Map<string, Promise<CachedScan>>();
  private readonly defaultPolicy: DefaultPolicySource;

  constructor(private readonly deps: ScanImageDeps) {
    this.defaultPolicy = new DefaultPolicySource(deps.settings.policy);
  }

  async execute(command: ScanImageCommand): Promise<ScanImageOutcome> {
    const { image, release, origin } = command;
    const db = this.deps.vulndb.current();
    const key: ScanKey = { digest: image.digest, platform: this.deps.settings.platform, dbVersion: db.version };
    try {
      const cached = this.usable(await this.deps.results.get(key));
      const { scan: raw, fresh } = cached ? { scan: cached, fresh: false } : await this.scanOnce(key, command, db);
      this.deps.metrics.resultCache(fresh ? 'miss' : 'hit');
      const resolved = await this.policyOf(release);
      if (resolved.invalid) {
        this.deps.logger.warn({ releaseId: release?.releaseId, problems: resolved.invalid.slice(0, 20) }, 'invalid image policy in .portcullis.yaml; verdict error');
      }
      const now = this.deps.clock?.() ?? new Date();
      const scan = applyPolicy(raw, resolved, now);
      const secrets = await this.judgeSecrets(raw, resolved, now);
      if (resolved.secrets?.invalid) {
        this.deps.logger.warn({ releaseId: release?.releaseId, problems: resolved.secrets.invalid.slice(0, 20) }, 'invalid secrets policy in .portcullis.yaml; secrets verdict error');
      }
      const imageTests = await this.testImage(image, resolved.imageTests, command.signal);
      const body = completedEvent(scan, { image, ...(release ? { release } : {}), cached: !fresh, ...(secrets ? { secrets } : {}), ...(imageTests ? { imageTests } : {}) });
      await this.deps.publish.completed(body, origin);
      this.deps.metrics.outcome(fresh ? 'completed' : 'cached');
      this.deps.logger.info(
        {
          image: `${image.registry}/${image.repository}@${image.digest}`,
          releaseId: release?.releaseId,
          verdict: body.verdict,
          counts: scan.counts,
          cached: !fresh,
          // Previews are masked and fingerprints keyed: both are safe to log (never the value).
          ...(secrets
            ? { secrets: { verdict: secrets.verdict, counts: secrets.counts, findings: secrets.findings.slice(0, 10).map((f) => ({ ruleId: f.ruleId, path: f.path, layer: f.layerDigest, preview: f.preview, triage: f.triage })) } }
            : {}),
          // Ids and reasons only: reasons never carry a secret value or command output.
          ...(imageTests ? { imageTests: { verdict: imageTests.verdict, passed: imageTests.passed, failed: imageTests.failed, notRun: imageTests.notRun, problems: imageTests.problems?.slice(0, 5), results: imageTests.results.filter((r) => r.status !== 'passed').slice(0, 10) } } : {}),
        },
        'scan completed',
      );
      return { kind: 'completed', cached: !fresh, verdict: body.verdict };
    } catch (error) {
      const disposition = dispositionOf(error);
      if (disposition === 'not-ready') {
        // Another instance is scanning this digest, or the registry budget is spent: come back later.
        this.deps.metrics.outcome('busy');
        throw error;
      }
      if (disposition === 'retry' && command.attempt < this.deps.settings.maxAttempts) {
        this.deps.metrics.outcome('retry');
        throw error;
      }
      const { code, message } = failureOf(error);
      await this.deps.publish.failed(failedEvent({ image, ...(release ? { release } : {}), code, message }), origin);
      this.deps.metrics.outcome('failed');
      this.deps.logger.warn({ image: `${image.registry}/${image.repository}@${image.digest}`, code, attempt: command.attempt, disposition }, 'scan failed; published scan.failed');
      return { kind: 'failed', code };
    }
  }

  /** A cached scan made without secrets does not answer while the secret scan is on: it is scanned again. */
  private usable(cached: CachedScan | undefined): CachedScan | undefined {
    return cached && (!this.deps.secrets || cached.secrets) ? cached : undefined;
  }

  /**
   * The repository's image tests against this image, when its `.portcullis.yaml` declares some.
   * They run after the scan (whose result may be cached: it does not depend on the repository) and
   * are cached apart, by image and the hash of the section, since two releases may ship one image
   * with different tests. Only complete reports are cached: a test that did not run (no runner, an
   * engine down) runs again at the next report. The file system is indexed only for content checks
   * (one header pass per layer, pulled again: the SBOM's contributions do not keep file lists).
   */
  private async testImage(image: ImageReference, policy: ImageTestsPolicy | undefined, signal: AbortSignal | undefined): Promise<ImageTestsSection | undefined> {
    if (!policy) return undefined;
    if ('invalid' in policy) return invalidImageTestsSection(policy.invalid);
    const resolution = resolveImageTests(policy.section);
    if (!resolution.ok) return invalidImageTestsSection(resolution.problems);
    const spec = resolution.spec;
    if (!spec) return undefined;
    const deps = this.deps.imageTests ?? {};
    const key = { digest: image.digest, platform: this.deps.settings.platform, specHash: policy.hash };
    const cached = await deps.cache?.get(key);
    if (cached) return imageTestsSection(cached);
    const aborted = signal ?? new AbortController().signal;
    const report = await this.deps.slots.run(async () => {
      const resolved = await this.deps.images.resolve(image, this.deps.settings.platform);
      const fs = spec.content ? await this.fileSystemOf(image, resolved.layers, aborted) : undefined;
      aborted.throwIfAborted();
      return runImageTests(
        {
          // The platform manifest the scan read, so the engine runs exactly the tested bytes.
          image: `${image.registry}/${image.repository}@${resolved.manifestDigest}`,
          config: resolved.imageConfig ?? {},
          ...(fs ? { fs } : {}),
          ...(deps.runner ? { runner: deps.runner } : {}),
          ...(deps.secretScanner ? { secretScanner: deps.secretScanner } : {}),
        },
        spec,
      );
    });
    if (report.notRun === 0) await deps.cache?.put(key, report);
    return imageTestsSection(report);
  }

  /**
   * The image's merged file system, or `undefined` when its layers cannot be indexed for a reason
   * retrying will not fix (too many entries, a malformed tar): the content checks are then
   * `not-run`, so the gate is never `passed` on an unread image. Transient registry errors go back
   * to the consumer like the scan's own.
   */
  private async fileSystemOf(image: ImageReference, layers: readonly ImageLayer[], signal: AbortSignal): Promise<ImageFileSystem | undefined> {
    try {
      return await MergedFileSystem.index(layers.map((layer) => ({ digest: layer.digest, tar: () => this.openLayer(image, layer, signal) })));
    } catch (error) {
      const disposition = dispositionOf(error);
      if (disposition === 'retry' || disposition === 'not-ready') throw error;
      const { code } = failureOf(error);
      this.deps.logger.warn({ image: `${image.registry}/${image.repository}@${image.digest}`, code }, 'image file system unreadable; content tests not run');
      return undefined;
    }
  }

  /** The image's secrets under the release's `secrets:` policy and the current triage decisions. */
  private async judgeSecrets(scan: CachedScan, resolved: ResolvedImagePolicy, now: Date): Promise<ImageSecretsSection | undefined> {
    if (!this.deps.secrets || !scan.secrets) return undefined;
    const policy = resolved.secrets ?? { policy: defaultSecretsPolicy(this.deps.secrets.settings.failOn) };
    const triage = await this.deps.secrets.triage.findMany(scan.secrets.findings.map((f) => f.fingerprint));
    return judgeImageSecrets(scan.secrets, policy, triage, now);
  }

  /** The repository's policy at the release's commit; the platform default for a bare push. */
  private policyOf(release: ScanRelease | undefined): Promise<ResolvedImagePolicy> {
    const parsed = release ? parseReleaseId(release.releaseId) : undefined;
    if (!release || !parsed) return this.defaultPolicy.policyFor();
    return (this.deps.policies ?? this.defaultPolicy).policyFor(release.repository, parsed.sha);
  }

  /** The scan of `key`, run once: joins one in flight here, or takes the cross-instance lock. */
  private async scanOnce(key: ScanKey, command: ScanImageCommand, db: ReturnType<VulnerabilityDatabase['current']>): Promise<{ scan: CachedScan; fresh: boolean }> {
    const name = `${key.digest}:${key.platform}`;
    const running = this.inFlight.get(name);
    if (running) return { scan: await running, fresh: false };
    let fresh = false;
    const scan = this.deps.lock.withLock(name, async (lockLost) => {
      // Another instance may have finished between our cache read and taking the lock.
      const done = this.usable(await this.deps.results.get(key));
      if (done) return done;
      const leave = this.deps.queue?.enter(command.requestedAt ?? this.deps.clock?.() ?? new Date());
      const result = await this.deps.slots.run(() => this.scanWithin(command, db, lockLost)).finally(() => leave?.());
      await this.deps.results.put(key, result);
      fresh = true;
      return result;
    });
    this.inFlight.set(name, scan);
    try {
      return { scan: await scan, fresh };
    } finally {
      this.inFlight.delete(name);
    }
  }

  /** One scan under the time budget; aborts on timeout, on shutdown and when the lock is lost. */
  private async scanWithin(command: ScanImageCommand, db: ReturnType<VulnerabilityDatabase['current']>, lockLost: AbortSignal): Promise<CachedScan> {
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new ScanError('SCAN_TIMEOUT', `scan of ${command.image.registry}/${command.image.repository}@${command.image.digest} exceeded ${this.deps.settings.timeoutMs} ms`)),
      this.deps.settings.timeoutMs,
    );
    const signal = AbortSignal.any([timeout.signal, lockLost, ...(command.signal ? [command.signal] : [])]);
    let aborted: (reason: unknown) => void = () => undefined;
    const onAbort = new Promise<never>((_, reject) => (aborted = reject));
    const listener = () => aborted(signal.reason);
    signal.addEventListener('abort', listener, { once: true });
    this.deps.metrics.inProgress(1);
    const work = this.scan(command, db, signal);
    // The race settles on abort even if a registry call hangs; the abandoned work ends on its own.
    work.catch(() => undefined);
    onAbort.catch(() => undefined);
    try {
      return await Promise.race([work, onAbort]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', listener);
      this.deps.metrics.inProgress(-1);
    }
  }

  private async scan(command: ScanImageCommand, db: ReturnType<VulnerabilityDatabase['current']>, signal: AbortSignal): Promise<CachedScan> {
    const { image } = command;
    const resolved = await this.deps.images.resolve(image, this.deps.settings.platform);
    signal.throwIfAborted();
    const total = resolved.layers.reduce((sum, layer) => sum + layer.size, 0);
    if (total > this.deps.settings.maxImageBytes) {
      throw new ScanError('IMAGE_TOO_LARGE', `${image.registry}/${image.repository}@${resolved.manifestDigest}: layers total ${total} bytes, limit ${this.deps.settings.maxImageBytes}`);
    }
    let pulled = 0;
    const secrets = this.deps.secrets;
    const budget = secrets ? new SecretScanBudget({ maxBytes: secrets.settings.maxImageBytes, maxMs: secrets.settings.maxImageMs }) : undefined;
    const cachedSecrets = secrets ? await Promise.all(resolved.layers.map((layer) => secrets.cache.get(layer.digest))) : [];
    /** Secret scans of layers pulled for the SBOM anyway: the same stream feeds both. */
    const secretJobs = new Map<number, Promise<LayerSecrets>>();
    const layers: LayerInput[] = resolved.layers.map((layer, i) => ({
      digest: layer.digest,
      // Called only when the contribution of this layer digest is not cached.
      tar: async (): Promise<Readable> => {
        pulled += 1;
        this.deps.metrics.layerCache('miss');
        const stream = await this.openLayer(image, layer, signal);
        if (!secrets || !budget || cachedSecrets[i]) return stream;
        const [forSbom, forSecrets] = tee(stream);
        const job = this.scanLayer(layer, forSecrets, budget);
        // Awaited after the SBOM; a failure here fails the SBOM side too (the tee), which reports it.
        job.catch(() => undefined);
        secretJobs.set(i, job);
        return forSbom;
      },
    }));
    const sbom = await extractSbom(layers, { cache: this.deps.layerCache });
    for (let i = pulled; i < layers.length; i++) this.deps.metrics.layerCache('hit');
    signal.throwIfAborted();
    const packages = packageRefsOf(sbom);
    const match = db.match(packages);
    const result = buildScan({ match, packageCount: sbom.packages.length, platform: resolved.platform, dbVersion: db.version, policy: this.deps.settings.policy });
    const withSecrets = secrets && budget ? { ...result, secrets: await this.scanSecrets(image, resolved, cachedSecrets, secretJobs, budget, signal) } : result;
    await this.storeSbom(image.digest, packages, withSecrets);
    return withSecrets;
  }

  /** The layer as an uncompressed tar that stops when the scan is aborted. */
  private async openLayer(image: ImageReference, layer: ImageLayer, signal: AbortSignal): Promise<Readable> {
    signal.throwIfAborted();
    const stream = await this.deps.images.openLayer(image, layer);
    const stop = () => stream.destroy(signal.reason instanceof Error ? signal.reason : new Error('scan aborted'));
    signal.addEventListener('abort', stop, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', stop));
    return stream;
  }

  private scanLayer(layer: ImageLayer, tar: Readable, budget: SecretScanBudget): Promise<LayerSecrets> {
    const secrets = this.deps.secrets as ImageSecretsDeps;
    return scanLayerSecrets(layer.digest, tar, secrets.engine, { maxFileBytes: secrets.settings.maxFileBytes, budget });
  }

  /**
   * Every layer's secrets (cached, scanned alongside the SBOM, or pulled now when only the SBOM
   * was cached), then env and history. Complete layer results are cached by layer digest.
   */
  private async scanSecrets(
    image: ImageReference,
    resolved: ResolvedImageLayers,
    cached: readonly (LayerSecrets | undefined)[],
    jobs: ReadonlyMap<number, Promise<LayerSecrets>>,
    budget: SecretScanBudget,
    signal: AbortSignal,
  ): Promise<NonNullable<CachedScan['secrets']>> {
    const secrets = this.deps.secrets as ImageSecretsDeps;
    const results: LayerSecrets[] = [];
    for (const [i, layer] of resolved.layers.entries()) {
      const hit = cached[i];
      if (hit) {
        results.push(hit);
        continue;
      }
      const job = jobs.get(i);
      const found = job ? await job : await this.scanLayer(layer, await this.openLayer(image, layer, signal), budget);
      signal.throwIfAborted();
      if (found.complete) await secrets.cache.set(layer.digest, found);
      results.push(found);
    }
    const config = resolved.config ? await scanConfigSecrets(resolved.config, resolved.layers.map((l) => l.digest), secrets.engine) : { findings: [], skips: [] };
    return buildImageSecrets(results, config);
  }

  /** Best effort: without a stored SBOM a new database only reaches the image on its next scan. */
  private async storeSbom(digest: string, packages: StoredSbomPackages, scan: CachedScan): Promise<void> {
    if (!this.deps.sboms) return;
    try {
      await this.deps.sboms.put(
        { digest, platform: this.deps.settings.platform },
        { platform: scan.platform, packages, packageCount: scan.packageCount, vulndbVersion: scan.vulndbVersion, verdict: scan.verdict, findingIds: findingIdsOf(scan) },
      );
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.deps.logger.warn({ digest, code: typeof code === 'string' ? code : 'UNKNOWN' }, 'storing the SBOM for re-matching failed; the scan goes on');
    }
  }
}

/**
 * Two readers of one layer stream (the SBOM index and the secret scan): the source flows as fast
 * as the slower one reads. Either one failing or closing early ends the other with the error, so
 * neither waits forever on a stream the other abandoned.
 */
function tee(source: Readable): [Readable, Readable] {
  const branches = [new PassThrough(), new PassThrough()] as const;
  const fail = (error: Error): void => {
    if (!source.destroyed) source.destroy(error);
    for (const b of branches) if (!b.destroyed) b.destroy(error);
  };
  source.once('error', fail);
  for (const b of branches) {
    source.pipe(b);
    b.once('error', fail);
    b.once('close', () => {
      if (!b.readableEnded) fail(new Error('layer stream closed by one of its readers'));
    });
  }
  return [branches[0], branches[1]];
}
