import { type ScanCompletedEvent, type ScanFailedEvent, type Verdict } from '@portcullis/contracts';
import { type ImageConfig, type ImageTestReport } from '@portcullis/image-tests';
import { type LayerContributionCache } from '@portcullis/sbom';
import { type PackageRef } from '@portcullis/vulndb';
import { type Readable } from 'node:stream';
import { type ImageConfigText } from '../secrets/image-secrets.js';
import { type TriageDecision } from '../secrets/judge-secrets.js';
import { type LayerSecrets } from '../secrets/layer-secrets.js';
import { type CachedScan } from './scan-report.js';

/** One layer of a resolved image, as the scan reads it. */
export interface ImageLayer {
  /** Blob digest (the layer contribution cache key). */
  readonly digest: string;
  /** Compressed size, from the manifest. */
  readonly size: number;
  readonly mediaType: string;
  /** Digest of the uncompressed tar (the config's `diff_ids`), checked while it streams. */
  readonly diffId: string;
}

/** One platform image of a registry, pinned by digest. */
export interface ResolvedImageLayers {
  /** Digest of the platform manifest (differs from the event's digest when that names an index). */
  readonly manifestDigest: string;
  /** `os/arch[/variant]` from the image config. */
  readonly platform: string;
  readonly layers: readonly ImageLayer[];
  /** The config's `Env` and `history`, for the secret scan (absent: nothing to scan there). */
  readonly config?: ImageConfigText;
  /** The whole image config blob (user, entrypoint, labels, …), for the image tests' metadata checks. */
  readonly imageConfig?: ImageConfig;
}

/**
 * The registry as the scan sees it: every call takes a token of the registry's shared budget,
 * and every byte pulled is counted. Errors are `RegistryError`s (libs/registry).
 */
export interface ImageSource {
  /** `registry/repository@digest` → its platform manifest and layers (through an index when needed). */
  resolve(image: { registry: string; repository: string; digest: string }, platform: string): Promise<ResolvedImageLayers>;
  /** The layer as an uncompressed tar stream, verified against its digest while it flows. */
  openLayer(image: { registry: string; repository: string }, layer: ImageLayer): Promise<Readable>;
}

/** Scan results by (image digest, platform, vulnerability database version). */
export interface ScanResultCache {
  get(key: ScanKey): Promise<CachedScan | undefined>;
  put(key: ScanKey, scan: CachedScan): Promise<void>;
}

export interface ScanKey {
  /** The digest the event named (a manifest or an index). */
  readonly digest: string;
  readonly platform: string;
  readonly dbVersion: string;
}

/**
 * Single flight across instances: runs `fn` while holding the scan lock of `name`. When another
 * instance holds it, rejects with a not-ready error (the consumer re-schedules the event, which
 * then finds the other instance's result in the cache).
 */
export interface ScanLock {
  withLock<T>(name: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** Where `scan.results` go; ids derive from the event being handled, so a repeat is the same fact. */
export interface ScanResults {
  completed(body: ScanCompletedEvent, origin: ScanOrigin): Promise<void>;
  failed(body: ScanFailedEvent, origin: ScanOrigin): Promise<void>;
}

/** The registry event a scan answers. */
export interface ScanOrigin {
  readonly eventId: string;
  readonly deliveryId?: string;
}

/** The database packages are matched against; swapped as a whole, never half-loaded. */
export interface VulnerabilityDatabase {
  current(): { readonly version: string; match(packages: readonly PackageRef[]): MatchOutput };
}

/** What `VulnDb.match` returns, reduced to what the scan reads. */
export interface MatchOutput {
  readonly findings: readonly {
    readonly vulnerabilityId: string;
    readonly aliases: readonly string[];
    readonly package: PackageRef;
    readonly installedVersion: string;
    readonly ecosystem: string;
    readonly fixedVersions: readonly string[];
    readonly severity: 'critical' | 'high' | 'medium' | 'low' | 'unknown';
  }[];
  readonly skipped: readonly unknown[];
}

/** Counters an operator watches (Prometheus in the service). */
export interface ScanMetrics {
  /** A scan request answered from the result cache (`hit`) or by scanning (`miss`). */
  resultCache(outcome: 'hit' | 'miss'): void;
  /** A layer taken from the contribution cache (`hit`) or pulled from the registry (`miss`). */
  layerCache(outcome: 'hit' | 'miss'): void;
  /** A scan started (+1) or ended (-1) on this instance. */
  inProgress(delta: 1 | -1): void;
  /** How a scan request ended. */
  outcome(outcome: 'completed' | 'cached' | 'failed' | 'retry' | 'busy'): void;
}

export type { LayerContributionCache };

/**
 * What a scan keeps of an image so that a new database can re-match it without pulling it again:
 * the matcher's package inputs and the verdict and findings last published for it.
 */
export interface StoredSbom {
  /** The platform image actually scanned (`os/arch[/variant]`). */
  readonly platform: string;
  /** The SBOM's packages as the matcher takes them (`packageRefsOf`). */
  readonly packages: readonly PackageRef[];
  readonly packageCount: number;
  /** The database version of `verdict` and `findingIds`. */
  readonly vulndbVersion: string;
  /** Verdict under the platform default policy (the cached scan's). */
  readonly verdict: Verdict;
  /** `findingIdOf` of every listed finding, sorted. */
  readonly findingIds: readonly string[];
}

/** SBOMs by (event digest, configured platform); a failing store never fails a scan. */
export interface SbomStore {
  get(key: { readonly digest: string; readonly platform: string }): Promise<StoredSbom | undefined>;
  put(key: { readonly digest: string; readonly platform: string }, sbom: StoredSbom): Promise<void>;
}

/** Scans waiting for a slot or running on this instance, for the queue depth and age gauges. */
export interface ScanQueue {
  /** A scan of an event from `requestedAt` is queued; the returned function marks it done. */
  enter(requestedAt: Date): () => void;
}

/**
 * Secret-scan results by layer digest (Redis in the service), like the SBOM contributions: a base
 * layer is scanned once for every image built on it. Only complete results are stored. A failing
 * cache must not fail the scan: implementations swallow (and log) their own errors.
 */
export interface LayerSecretsCache {
  get(digest: string): Promise<LayerSecrets | undefined>;
  set(digest: string, secrets: LayerSecrets): Promise<void>;
}

/**
 * The org-wide triage decisions on secret fingerprints (the secret-auditor's view): read when a
 * scan is reported, so a decision taken after the scan applies to the next report of the cached
 * result. Rejects (retryable) when the view is unreachable.
 */
export interface SecretTriageView {
  findMany(fingerprints: readonly string[]): Promise<ReadonlyMap<string, TriageDecision>>;
}

/**
 * Image test reports by (image digest, platform, hash of the repository's `imageTests:` section).
 * Only complete reports (every test ran) are stored: a test that did not run may run next time.
 */
export interface ImageTestResultCache {
  get(key: ImageTestKey): Promise<ImageTestReport | undefined>;
  put(key: ImageTestKey, report: ImageTestReport): Promise<void>;
}

export interface ImageTestKey {
  /** The digest the event named. */
  readonly digest: string;
  readonly platform: string;
  /** `ImageTestsPolicy.hash`: the section's content. */
  readonly specHash: string;
}
