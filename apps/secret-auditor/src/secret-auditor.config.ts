import { envVar, type InferConfig } from '@portcullis/config';
import { SEVERITIES, type RepositoryRef } from '@portcullis/contracts';
import { gitHostsAllowHttpConfig, gitHostsConfig } from '@portcullis/git';
import { apiTokenVar, baseServiceConfig } from '@portcullis/service-kit';

/**
 * The configuration secret-auditor reads at start-up: what every service has, with the HTTP server
 * on 8081 by default, plus the triage API and the secret audit's own variables below.
 * Kept apart from main.ts so tools/generators/config-docs.mjs can import it without booting the
 * service (see docs/configuration.md).
 */
export const secretAuditorConfig = baseServiceConfig(8081, {
  api: {
    token: apiTokenVar('AUDITOR_API_TOKEN', {
      description:
        'Bearer token every call to the triage and sweep API must present (`Authorization: Bearer …`).',
    }),
    maxBodyBytes: envVar.int('AUDITOR_API_MAX_BODY_BYTES', {
      default: '16384',
      min: 1024,
      max: 1048576,
      description: 'Largest JSON body the triage and sweep API accepts; a larger one gets 413.',
    }),
    publishTimeoutMs: envVar.duration('AUDITOR_API_PUBLISH_TIMEOUT', {
      default: '8s',
      description: 'Longest wait for Kafka to acknowledge a triage decision before the API answers 503 with Retry-After.',
    }),
    retryAfterSeconds: envVar.int('AUDITOR_API_RETRY_AFTER_SECONDS', {
      default: '5',
      min: 1,
      description: 'Retry-After sent with 503 when Kafka or Redis is unavailable.',
    }),
  },
  git: {
    // Where the auditor fetches pushed commits from (never from a payload URL).
    hosts: gitHostsConfig({
      unset: 'pushes from this provider are reported as audit.failed',
      defaultUrls: { github: 'https://github.com', gitlab: 'https://gitlab.com', bitbucket: 'https://bitbucket.org' },
    }) satisfies Record<RepositoryRef['provider'], unknown>,
    allowHttp: gitHostsAllowHttpConfig(),
    mirrorDir: envVar.string('GIT_MIRROR_DIR', {
      default: '',
      description: 'Directory of this instance’s mirror cache (one per instance, never shared); empty = `<tmpdir>/portcullis-git-mirrors-<instance id>`.',
    }),
    mirrorMaxBytes: envVar.int('GIT_MIRROR_MAX_BYTES', {
      default: String(2 * 1024 * 1024 * 1024),
      min: 64 * 1024 * 1024,
      description: 'Disk budget of the mirror cache; least recently used mirrors are evicted above it.',
    }),
    fetchTimeoutMs: envVar.duration('GIT_FETCH_TIMEOUT', { default: '5m', description: 'A git fetch running longer is killed and retried.' }),
    maxCommits: envVar.int('SECRETS_MAX_COMMITS_PER_PUSH', {
      default: '1000',
      min: 1,
      description: 'At most this many commits of one push are audited (the newest); the cut is reported as a skip.',
    }),
  },
  secrets: {
    fingerprintKey: envVar.string('SECRETS_FINGERPRINT_KEY', {
      sensitive: true,
      pattern: /^[\x21-\x7e]{32,512}$/,
      description:
        'Platform key of finding fingerprints (HMAC-SHA256), 32 to 512 printable characters. Every instance and the CLI (PORTCULLIS_FINGERPRINT_KEY) use the same one, or triage and baselines stop matching. Also readable from SECRETS_FINGERPRINT_KEY_FILE.',
    }),
    maxFileBytes: envVar.int('SECRETS_MAX_FILE_BYTES', {
      default: String(1024 * 1024),
      min: 1024,
      description: 'Files larger than this are not fetched nor scanned; they are reported as skipped (TOO_LARGE).',
    }),
    fileTimeBudgetMs: envVar.duration('SECRETS_FILE_TIME_BUDGET', {
      default: '2s',
      description: 'CPU time one file may take; a slower file is reported as skipped (TIME_BUDGET) instead of holding the worker.',
    }),
    workers: envVar.int('SECRETS_SCAN_WORKERS', {
      default: '0',
      min: 0,
      max: 64,
      description: 'Worker threads scanning files; 0 = the machine’s available parallelism.',
    }),
    defaultFailOn: envVar.enum('SECRETS_DEFAULT_FAIL_ON', SEVERITIES as readonly [(typeof SEVERITIES)[number], ...(typeof SEVERITIES)[number][]], {
      default: 'high',
      description: "Lowest finding severity that fails an audit when the repository's `.portcullis.yaml` sets no `secrets.failOn`.",
    }),
    triageTtlMs: envVar.duration('SECRETS_TRIAGE_TTL', {
      // 400 days; durations have no day unit. Rebuilt from operator.commands, within its retention (ADR 0006).
      default: '9600h',
      description: 'How long Redis keeps a triage decision after it was last written; the view is rebuilt from operator.commands.',
    }),
    incidentTtlMs: envVar.duration('SECRETS_INCIDENT_TTL', {
      default: '9600h',
      description: 'How long an incident (fingerprint → repositories and paths) is kept after it was last seen by an audit.',
    }),
    incidentMaxLocations: envVar.int('SECRETS_INCIDENT_MAX_LOCATIONS', {
      default: '100',
      min: 1,
      max: 1000,
      description: 'Repository + path locations kept per incident (oldest first); more are flagged `locationsTruncated`.',
    }),
    refTipTtlMs: envVar.duration('SECRETS_REF_TIP_TTL', {
      // 90 days: a ref silent for longer is audited as a first push again, never skipped.
      default: '2160h',
      description: 'How long the last scanned commit of a repository ref is remembered; after that the next push is audited as a first push.',
    }),
  },
  dependencies: {
    vulndbPath: envVar.string('AUDIT_VULNDB_PATH', {
      default: '',
      description:
        'Source of the OSV database the push-time dependency audit matches changed lockfiles (package-lock.json, yarn.lock, pnpm-lock.yaml, requirements*.txt, poetry.lock, go.sum, pom.xml) against: the same value as the image scanner’s SCAN_VULNDB_PATH (a directory of OSV JSON records, an OSV zip, or an `https://` URL of one). Loaded at start-up (a bad source stops the service) and re-imported every AUDIT_VULNDB_REFRESH. Empty = no dependency audit (`audit.completed` carries no `dependencies`). Never logged.',
    }),
    vulndbRefreshMs: envVar.duration('AUDIT_VULNDB_REFRESH', {
      default: '1h',
      description: 'How often each instance re-imports AUDIT_VULNDB_PATH; a new version is swapped in between audits, a failed import keeps the current one.',
    }),
    vulndbDownloadMaxBytes: envVar.int('AUDIT_VULNDB_DOWNLOAD_MAX_BYTES', {
      default: String(1024 ** 3),
      min: 1024,
      description: 'Largest OSV zip downloaded from an `https://` AUDIT_VULNDB_PATH; a larger one fails the import.',
    }),
    vulndbDownloadTimeoutMs: envVar.duration('AUDIT_VULNDB_DOWNLOAD_TIMEOUT', {
      default: '10m',
      description: 'Budget of one download of an `https://` AUDIT_VULNDB_PATH; a slower one fails the import.',
    }),
    timeBudgetMs: envVar.duration('AUDIT_DEPENDENCY_TIME_BUDGET', {
      default: '30s',
      description:
        'Time one push may spend reading and matching its changed lockfiles (each at most SECRETS_MAX_FILE_BYTES); lockfiles not started within it are reported with error `TIME_BUDGET`, the audit still completes.',
    }),
  },
});
export type SecretAuditorConfig = InferConfig<typeof secretAuditorConfig>;
