import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GitServerEnv, REPO_ROOT, serviceEnv, type StackEnv } from '@portcullis/testing';

/** The five services, in the order a release meets them. */
export const PIPELINE_SERVICES = ['webhook-intake', 'secret-auditor', 'image-scanner', 'deploy-orchestrator', 'notifier'] as const;
export type PipelineService = (typeof PIPELINE_SERVICES)[number];

/** Intake source ids the harness configures (the paths are `/v1/webhooks/<id>`; CI uses `/v1/builds`). */
export const SOURCE_IDS = { github: 'github', registry: 'registry', ci: 'ci' } as const;

/**
 * The secrets of one pipeline run: random per run, handed to the services only through their
 * environment (the config files name the variables, never the values) and to the harness, which
 * signs webhooks with them.
 */
export interface PipelineSecrets {
  readonly githubWebhook: string;
  /** The distribution source's secret is the whole `Authorization` header value. */
  readonly registryAuthorization: string;
  readonly ciBuilds: string;
  /** Keys the secret fingerprints (auditor, and the leak scan of the tests). */
  readonly fingerprintKey: string;
  readonly auditorApiToken: string;
  readonly scannerApiToken: string;
  readonly deployApiToken: string;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** The OSV records the scanner and the auditor's lockfile audit match against. */
const OSV_FIXTURES = join(REPO_ROOT, 'libs/vulndb/test/fixtures/osv');

export function generateSecrets(): PipelineSecrets {
  return {
    githubWebhook: hex(24),
    registryAuthorization: `Bearer ${hex(24)}`,
    ciBuilds: hex(24),
    fingerprintKey: hex(24),
    auditorApiToken: hex(24),
    scannerApiToken: hex(24),
    deployApiToken: hex(24),
  };
}

/** Slack routing as the notifier reads it (`NOTIFY_ROUTING_FILE`). */
export interface PipelineRouting {
  readonly defaultChannel: string;
  readonly routes?: readonly { readonly repositories: string; readonly channels: readonly string[] }[];
  readonly allowedChannels?: readonly string[];
}

/** Everything the services' configuration is generated from. */
export interface PipelineConfigInput {
  readonly stack: StackEnv;
  readonly git: GitServerEnv;
  /** `http://host:port` of the registry the images are pushed to. */
  readonly registryUrl: string;
  /** Topic, consumer-group and Redis key prefix of the run. */
  readonly prefix: string;
  readonly secrets: PipelineSecrets;
  /** Where the generated files go (and the orchestrator's kubeconfig, written by the caller). */
  readonly runDir: string;
  readonly slack: { readonly url: string; readonly token: string };
  readonly github: { readonly url: string; readonly token: string };
  readonly routing: PipelineRouting;
  /** Link the root message and commit statuses point at (`{releaseId}` is replaced). */
  readonly releaseUrl: string;
  /** Per service, variables set on top of the generated ones (e.g. `SCAN_CONCURRENCY`). */
  readonly overrides?: Partial<Record<PipelineService, Record<string, string>>>;
}

/** The names of the files written by {@link writePipelineFiles}, under the run directory. */
export const PIPELINE_FILES = {
  sources: 'webhook-sources.json',
  registries: 'registries.json',
  routing: 'routing.json',
  kubeconfig: 'kubeconfig',
} as const;

/**
 * Writes the config files the services read: the intake's webhook sources (GitHub, the registry's
 * notifications, CI builds; their secrets by variable name), the scanner's registries and the
 * notifier's routing. One registry `host:port` is used everywhere it must match: the intake's
 * registry and CI sources (the registry id of an announced image), the scanner's registries.
 */
export function writePipelineFiles(input: PipelineConfigInput): void {
  const registry = new URL(input.registryUrl);
  const sources = {
    sources: [
      { id: SOURCE_IDS.github, provider: 'github', secrets: [{ env: 'PIPELINE_GITHUB_WEBHOOK_SECRET' }], baseUrl: 'https://github.com' },
      { id: SOURCE_IDS.registry, provider: 'distribution', secrets: [{ env: 'PIPELINE_REGISTRY_WEBHOOK_AUTH' }], baseUrl: registry.origin },
      { id: SOURCE_IDS.ci, provider: 'ci', secrets: [{ env: 'PIPELINE_CI_BUILDS_SECRET' }], baseUrl: registry.origin },
    ],
  };
  const registries = { registries: [{ registry: registry.host, url: registry.origin, insecure: registry.protocol === 'http:' }] };
  writeFileSync(join(input.runDir, PIPELINE_FILES.sources), JSON.stringify(sources, null, 2));
  writeFileSync(join(input.runDir, PIPELINE_FILES.registries), JSON.stringify(registries, null, 2));
  writeFileSync(join(input.runDir, PIPELINE_FILES.routing), JSON.stringify(input.routing, null, 2));
}

/** The environment of one instance of a service: the stack, its prefix, and the service's own settings. */
export function instanceEnv(input: PipelineConfigInput, service: PipelineService, instanceId: string): Record<string, string> {
  const { git, secrets, runDir } = input;
  const gitHost = {
    GIT_HOST_GITHUB_URL: git.url,
    GIT_HOST_GITHUB_USERNAME: git.user,
    GIT_HOST_GITHUB_TOKEN: git.password,
    GIT_HOSTS_ALLOW_HTTP: 'github',
  };
  // Each instance's git mirrors live under the run directory, so stopping the run removes them.
  const mirrors = join(runDir, 'mirrors', instanceId);
  const own: Record<PipelineService, Record<string, string>> = {
    'webhook-intake': {
      WEBHOOK_SOURCES_FILE: join(runDir, PIPELINE_FILES.sources),
      PIPELINE_GITHUB_WEBHOOK_SECRET: secrets.githubWebhook,
      PIPELINE_REGISTRY_WEBHOOK_AUTH: secrets.registryAuthorization,
      PIPELINE_CI_BUILDS_SECRET: secrets.ciBuilds,
    },
    'secret-auditor': {
      ...gitHost,
      GIT_MIRROR_DIR: mirrors,
      AUDITOR_API_TOKEN: secrets.auditorApiToken,
      SECRETS_FINGERPRINT_KEY: secrets.fingerprintKey,
      // One scan thread per instance: the machine runs every service and the stack at once.
      SECRETS_SCAN_WORKERS: '1',
      AUDIT_VULNDB_PATH: OSV_FIXTURES,
    },
    'image-scanner': {
      ...gitHost,
      SCAN_POLICY_MIRROR_DIR: mirrors,
      SCAN_REGISTRIES_FILE: join(runDir, PIPELINE_FILES.registries),
      SCAN_VULNDB_PATH: OSV_FIXTURES,
      // Same key as the auditor's: a secret in an image has its repository fingerprint.
      SECRETS_FINGERPRINT_KEY: secrets.fingerprintKey,
      SCAN_SECRETS_WORKERS: '1',
      SCANNER_API_TOKEN: secrets.scannerApiToken,
      // The registry notification and the CI announcement of one digest race for its scan lock.
      SCAN_BUSY_RETRY: '300ms',
    },
    'deploy-orchestrator': {
      ...gitHost,
      DEPLOY_MIRROR_DIR: mirrors,
      KUBECONFIG: join(runDir, PIPELINE_FILES.kubeconfig),
      DEPLOY_API_TOKEN: secrets.deployApiToken,
      // Long rollouts are handed back to the consumer and resumed, so one release never holds a slot.
      DEPLOY_STEP_BUDGET: '3s',
    },
    notifier: {
      SLACK_BOT_TOKEN: input.slack.token,
      SLACK_API_URL: input.slack.url,
      NOTIFY_ROUTING_FILE: join(runDir, PIPELINE_FILES.routing),
      NOTIFY_LINK_COMMIT_URL: `${git.url}/{owner}/{name}/commit/{sha}`,
      NOTIFY_LINK_FINDINGS_URL: input.releaseUrl,
      NOTIFY_STATUS_GITHUB_API_URL: input.github.url,
      NOTIFY_STATUS_GITHUB_TOKEN: input.github.token,
      NOTIFY_STATUS_RELEASE_URL: input.releaseUrl,
      // GitHub's real allowance (5,000/h) is what the default 1/s protects; the stand-in has none.
      NOTIFY_STATUS_RATE_PER_SECOND: '100',
      NOTIFY_STATUS_BURST: '100',
    },
  };
  return { ...serviceEnv(input.stack, input.prefix, instanceId), LOG_LEVEL: 'info', ...own[service], ...input.overrides?.[service] };
}
