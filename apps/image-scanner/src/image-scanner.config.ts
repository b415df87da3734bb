import { envVar, type InferConfig } from '@portcullis/config';
import { type RepositoryRef, SEVERITIES } from '@portcullis/contracts';
import { gitHostsAllowHttpConfig, gitHostsConfig } from '@portcullis/git';
import { apiTokenVar, baseServiceConfig } from '@portcullis/service-kit';
import { imageTestsShape } from './image-tests/image-tests.config.js';

/**
 * The configuration image-scanner reads at start-up: what every service has, with the HTTP server
 * on 8082 by default, plus the scan's own variables below. Registries (URL, TLS, credentials by
 * reference) live in the file SCAN_REGISTRIES_FILE names, validated at boot (registries/). The git
 * hosts (`GIT_HOST_<PROVIDER>_*`, the same variables the secret-auditor reads) are where repository
 * policies are fetched from (policy/).
 * Kept apart from main.ts so tools/generators/config-docs.mjs can import it without booting the
 * service (see docs/configuration.md).
 */
export const imageScannerConfig = baseServiceConfig(8082, {
  api: {
    token: apiTokenVar('SCANNER_API_TOKEN', {
      optional: true,
      description:
        'Bearer token every call to the scanner API (`GET /v1/images/:digest/openvex`) must present (`Authorization: Bearer …`). Unset = the API is not mounted (logged at boot); scanning works without it.',
    }),
  },
  scan: {
    registriesFile: envVar.string('SCAN_REGISTRIES_FILE', {
      default: '',
      description:
        'YAML or JSON file listing the registries images may be pulled from: `registries: [{ registry: ghcr.io, url: https://ghcr.io, username: bot, password: { file: /run/secrets/ghcr } }]`; per entry also `insecure: true` (plain http or unverified TLS), `caFile`, `bearerToken`; credentials are `{ env: NAME }` or `{ file: path }`, never inline. Empty = no registry (every scan fails with REGISTRY_NOT_CONFIGURED).',
    }),
    vulndbPath: envVar.string('SCAN_VULNDB_PATH', {
      description:
        'Source of the OSV vulnerability database: a directory of OSV JSON records (an unpacked `all.zip`), an OSV zip export, or an `https://` URL of an OSV zip (downloaded within SCAN_VULNDB_DOWNLOAD_MAX_BYTES / SCAN_VULNDB_DOWNLOAD_TIMEOUT). Loaded at start-up, re-imported by the leader every SCAN_VULNDB_REFRESH, and loaded by every instance when a new version is announced; all instances must see the same source. Its content hash is the `vulndbVersion` of results. Never logged (a URL may carry credentials).',
    }),
    vulndbSourceId: envVar.string('SCAN_VULNDB_SOURCE_ID', {
      default: 'osv',
      pattern: /^[A-Za-z0-9._-]{1,100}$/,
      description: 'Name of the source in `vulndb.updated` events (`source`) and logs, in place of the path or URL.',
    }),
    vulndbRefreshMs: envVar.duration('SCAN_VULNDB_REFRESH', {
      default: '1h',
      description: 'How often the fetcher (the one instance holding the Redis lease `lock:{vulndb-fetcher}`) re-imports the source; a new version is announced on `vulndb.events`.',
    }),
    vulndbPollMs: envVar.duration('SCAN_VULNDB_POLL', {
      default: '10s',
      description: 'How often every instance reads the announced version from Redis (`vulndb:announced`) and, when it differs from its own, loads the source and swaps to it if the build has exactly that version.',
    }),
    vulndbLeaseTtlMs: envVar.duration('SCAN_VULNDB_LEASE_TTL', {
      default: '30s',
      description: 'Lease of the fetcher leader, renewed every third of it; when the leader dies another instance takes over within about this long.',
    }),
    vulndbDownloadMaxBytes: envVar.int('SCAN_VULNDB_DOWNLOAD_MAX_BYTES', {
      default: String(1024 ** 3),
      min: 1024,
      description: 'Largest OSV zip downloaded from an `https://` source; a larger one fails the import (the current database stays).',
    }),
    vulndbDownloadTimeoutMs: envVar.duration('SCAN_VULNDB_DOWNLOAD_TIMEOUT', {
      default: '10m',
      description: 'Budget of one download of an `https://` source; a slower one fails the import (the current database stays).',
    }),
    platform: envVar.string('SCAN_PLATFORM', {
      default: 'linux/amd64',
      pattern: /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/,
      description: 'Platform (`os/arch[/variant]`) scanned when an image digest is a multi-platform index.',
    }),
    timeoutMs: envVar.duration('SCAN_TIMEOUT', {
      default: '10m',
      description: 'Budget of one scan (resolve and pull); a slower scan is retried, and reported as scan.failed (SCAN_TIMEOUT) on the last attempt. Keep it below CONSUMER_HANDLER_TIMEOUT.',
    }),
    concurrency: envVar.int('SCAN_CONCURRENCY', {
      default: '2',
      min: 1,
      max: 64,
      description: 'Scans running at once on one instance; further events wait for a slot.',
    }),
    maxImageBytes: envVar.int('SCAN_MAX_IMAGE_BYTES', {
      default: String(10 * 1024 ** 3),
      min: 1024,
      description: 'Largest image scanned, as the sum of its compressed layer sizes; a larger one is reported as scan.failed (IMAGE_TOO_LARGE) without pulling anything.',
    }),
    maxLayerBytes: envVar.int('SCAN_MAX_LAYER_BYTES', {
      default: String(4 * 1024 ** 3),
      min: 1024,
      description: 'Largest compressed layer pulled; a larger one is reported as scan.failed (SIZE_LIMIT).',
    }),
    maxLayerUncompressedBytes: envVar.int('SCAN_MAX_LAYER_UNCOMPRESSED_BYTES', {
      default: String(8 * 1024 ** 3),
      min: 1024,
      description: 'Bound on the decompressed size of one layer (the decompression-bomb guard); past it the scan fails (SIZE_LIMIT / LAYER_TOO_LARGE).',
    }),
    failOn: envVar.enum('SCAN_DEFAULT_FAIL_ON', SEVERITIES as readonly [(typeof SEVERITIES)[number], ...(typeof SEVERITIES)[number][]], {
      default: 'high',
      description: 'Default policy: an image fails when it has a vulnerability of this severity or above that has a fixed version. A release whose repository host is configured (GIT_HOST_<PROVIDER>_URL) is judged by its `.portcullis.yaml` `images:` section and `.trivyignore` at the built commit instead.',
    }),
    registryBurst: envVar.int('SCAN_REGISTRY_BURST', {
      default: '20',
      min: 1,
      description: 'Registry requests (a manifest resolve or a layer pull) all instances together may start at once against one registry: the capacity of its shared Redis token bucket.',
    }),
    registryPerSecond: envVar.int('SCAN_REGISTRY_PER_SECOND', {
      default: '5',
      min: 1,
      description: 'Sustained registry requests per second across all instances, per registry (the refill rate of its token bucket).',
    }),
    registryWaitMs: envVar.duration('SCAN_REGISTRY_WAIT', {
      default: '30s',
      description: 'Longest a scan waits for a token of its registry; past it the event is re-scheduled without using up an attempt.',
    }),
    lockTtlMs: envVar.duration('SCAN_LOCK_TTL', {
      default: '30s',
      description: 'Lease of the per-digest scan lock (single flight across instances); extended every third of it while the scan runs, so a crashed holder frees the digest after at most this long.',
    }),
    busyRetryMs: envVar.duration('SCAN_BUSY_RETRY', {
      default: '2s',
      description: 'Delay before an event whose digest another instance is scanning is tried again (it then finds the cached result).',
    }),
    sbomTtlMs: envVar.duration('SCAN_SBOM_TTL', {
      default: '720h',
      description: "How long a scanned image's packages are kept for re-matching when the vulnerability data changes (only deployed images are re-matched).",
    }),
    deployedTtlMs: envVar.duration('SCAN_DEPLOYED_TTL', {
      default: '2160h',
      description: 'How long a deployment record (repository + environment → image digests, from deploy.events) lives; every transition rewrites it.',
    }),
    rematchPollMs: envVar.duration('SCAN_REMATCH_POLL', {
      default: '5s',
      description: 'How often an instance checks whether it swapped to a new vulnerability DB version, which re-matches the deployed images (one instance per version).',
    }),
    resultTtlMs: envVar.duration('SCAN_RESULT_TTL', {
      default: '720h',
      description: 'How long a scan result is reused for the same digest and database version.',
    }),
    layerCacheTtlMs: envVar.duration('SCAN_LAYER_CACHE_TTL', {
      default: '720h',
      description: 'How long the SBOM contribution of a layer is kept by layer digest (a shared base layer is pulled once within it).',
    }),
    layerCacheMaxBytes: envVar.int('SCAN_LAYER_CACHE_MAX_BYTES', {
      default: String(8 * 1024 * 1024),
      min: 64 * 1024,
      description: 'Largest cached layer contribution (parsed package metadata, not layer bytes); a larger one is not cached.',
    }),
  },
  secrets: {
    fingerprintKey: envVar.string('SECRETS_FINGERPRINT_KEY', {
      sensitive: true,
      optional: true,
      pattern: /^[\x21-\x7e]{32,512}$/,
      description:
        "Platform key of secret fingerprints (HMAC-SHA256), the secret-auditor's and the CLI's: with the same key a secret baked into an image has the fingerprint it has in a repository, so triage and `secrets:` suppressions apply to both. Set = every layer file, env entry and build step of a scanned image is scanned for secrets and a finding that counts fails the scan; unset = no secret scan (logged at boot, no `secrets` in results). Also readable from SECRETS_FINGERPRINT_KEY_FILE.",
    }),
    maxFileBytes: envVar.int('SCAN_SECRETS_MAX_FILE_BYTES', {
      default: String(1024 * 1024),
      min: 1024,
      description: 'Layer files larger than this are not read for secrets; they are counted as skipped (TOO_LARGE). Binary files are counted (BINARY) and never sent to the engine.',
    }),
    maxImageBytes: envVar.int('SCAN_SECRETS_MAX_IMAGE_BYTES', {
      default: String(512 * 1024 * 1024),
      min: 1024,
      description: 'Bytes of text files one image’s secret scan reads; files past it are counted as skipped (IMAGE_BYTES_BUDGET) and the layer’s result is not cached.',
    }),
    maxImageMs: envVar.duration('SCAN_SECRETS_IMAGE_TIME_BUDGET', {
      default: '3m',
      description: 'Wall time one image’s secret scan may take; files after it are counted as skipped (IMAGE_TIME_BUDGET). Keep it below SCAN_TIMEOUT.',
    }),
    fileTimeBudgetMs: envVar.duration('SCAN_SECRETS_FILE_TIME_BUDGET', {
      default: '2s',
      description: 'Time the engine may spend on one file; a slower file is counted as skipped (TIME_BUDGET).',
    }),
    workers: envVar.int('SCAN_SECRETS_WORKERS', {
      default: '0',
      min: 0,
      max: 64,
      description: 'Worker threads of the secret engine; 0 = the machine’s available parallelism.',
    }),
    defaultFailOn: envVar.enum('SECRETS_DEFAULT_FAIL_ON', SEVERITIES as readonly [(typeof SEVERITIES)[number], ...(typeof SEVERITIES)[number][]], {
      default: 'high',
      description: "Lowest severity of an image's secret finding that fails the scan when the repository's `.portcullis.yaml` sets no `secrets.failOn` (the secret-auditor's variable).",
    }),
    layerCacheTtlMs: envVar.duration('SCAN_SECRETS_LAYER_CACHE_TTL', {
      default: '720h',
      description: 'How long the secret findings of a layer are kept by layer digest (a shared base layer is scanned once within it).',
    }),
  },
  git: {
    hosts: gitHostsConfig({
      unset: "images built from this provider's repositories are judged by the default policy (SCAN_DEFAULT_FAIL_ON); with no host set at all, repository policies are not read",
    }) satisfies Record<RepositoryRef['provider'], unknown>,
    allowHttp: gitHostsAllowHttpConfig(),
    mirrorDir: envVar.string('SCAN_POLICY_MIRROR_DIR', {
      default: '',
      description:
        'Directory of this instance’s mirror cache for repository policies (one per instance, never shared, not the secret-auditor’s); empty = `<tmpdir>/portcullis-policy-mirrors-<instance id>`.',
    }),
    mirrorMaxBytes: envVar.int('SCAN_POLICY_MIRROR_MAX_BYTES', {
      default: String(1024 * 1024 * 1024),
      min: 64 * 1024 * 1024,
      description: 'Disk budget of the policy mirror cache; least recently used mirrors are evicted above it.',
    }),
    fetchTimeoutMs: envVar.duration('SCAN_POLICY_FETCH_TIMEOUT', {
      default: '2m',
      description: 'A git fetch of a repository policy running longer is killed; the event is retried (scan.failed on its last attempt).',
    }),
    policyCacheTtlMs: envVar.duration('SCAN_POLICY_CACHE_TTL', {
      default: '720h',
      description: 'How long the policy resolved for a repository and commit (`.portcullis.yaml` `images:` and `.trivyignore`) is kept in Redis; a commit’s files never change, so this only bounds memory.',
    }),
  },
  imageTests: imageTestsShape,
});
export type ImageScannerConfig = InferConfig<typeof imageScannerConfig>;
