import { envVar, type InferConfig } from '@portcullis/config';
import { type RepositoryRef } from '@portcullis/contracts';
import { gitHostsAllowHttpConfig, gitHostsConfig } from '@portcullis/git';
import { apiTokenVar, baseServiceConfig } from '@portcullis/service-kit';

/**
 * The configuration deploy-orchestrator reads at start-up: what every service has, with the HTTP
 * server on 8083 by default, plus the cluster, the git hosts the pipeline files and manifests come
 * from, and the reconciler's timing. Kept apart from main.ts so tools/generators/config-docs.mjs
 * can import it without booting the service (see docs/configuration.md).
 */
export const deployOrchestratorConfig = baseServiceConfig(8083, {
  api: {
    token: apiTokenVar('DEPLOY_API_TOKEN', {
      optional: true,
      description:
        'Bearer token every call to the release API (`GET /v1/releases/…`, approve, promote, roll back) must present (`Authorization: Bearer …`). Unset = the API is not mounted (logged at boot); deploys still run.',
    }),
  },
  cluster: {
    kubeconfig: envVar.string('KUBECONFIG', {
      default: '',
      description:
        'Kubeconfig of the cluster environments named `default` deploy to (`cluster: default` in `.portcullis.yaml`, the only cluster name for now). Empty = the in-cluster ServiceAccount (running as a pod). Its identity needs only the Role in deploy/rbac, in each target namespace.',
    }),
    context: envVar.string('KUBE_CONTEXT', { default: '', description: 'Context of KUBECONFIG to use; empty = its current context.' }),
  },
  reconcile: {
    stepBudgetMs: envVar.duration('DEPLOY_STEP_BUDGET', {
      default: '20s',
      description: 'How long one reconcile watches a rollout before it hands the release back to Kafka (not-ready, re-delivered shortly) so other work on the partition moves.',
    }),
    lockTtlMs: envVar.duration('DEPLOY_LOCK_TTL', {
      default: '30s',
      description: 'TTL of the per-release and per-app/environment locks, renewed every third of it while held; a crashed instance’s locks free themselves after this long.',
    }),
    lockWaitMs: envVar.duration('DEPLOY_LOCK_WAIT', {
      default: '3s',
      description: 'How long an event waits for a release or deploy lock another step holds before it is handed back (not-ready, re-delivered after DEPLOY_BUSY_RETRY).',
    }),
    busyRetryMs: envVar.duration('DEPLOY_BUSY_RETRY', {
      default: '2s',
      description: 'Delay before an event looks again when its release or app/environment is busy (another release deploying, or a lock held past DEPLOY_LOCK_WAIT).',
    }),
    releaseTtlMs: envVar.duration('DEPLOY_RELEASE_TTL', {
      default: '720h',
      description: 'How long a release record (gate inputs, state per environment) and the app/environment index are kept in Redis after their last change.',
    }),
  },
  manifests: {
    kustomizeBin: envVar.string('DEPLOY_KUSTOMIZE_BIN', {
      default: '',
      description: 'Path of the `kustomize` binary for repositories whose manifests path holds a kustomization (it runs without PATH, so a path, not a name). Empty = `.cache/kustomize-v5.8.2/bin/kustomize` below the working directory, where tools/kustomize/build.sh builds it; set it when the binary lives elsewhere (a container image, a build cache in PORTCULLIS_CACHE_DIR).',
    }),
    renderTimeoutMs: envVar.duration('DEPLOY_RENDER_TIMEOUT', {
      default: '30s',
      description: 'A kustomize build running longer is killed and the release is retried.',
    }),
  },
  git: {
    hosts: gitHostsConfig({ unset: "this provider's repositories are never deployed (their `.portcullis.yaml` cannot be read)" }) satisfies Record<RepositoryRef['provider'], unknown>,
    allowHttp: gitHostsAllowHttpConfig(),
    mirrorDir: envVar.string('DEPLOY_MIRROR_DIR', {
      default: '',
      description: 'Directory of this instance’s git mirror cache for pipeline files and manifests (one per instance, never shared); empty = `<tmpdir>/portcullis-deploy-mirrors-<instance id>`.',
    }),
    mirrorMaxBytes: envVar.int('DEPLOY_MIRROR_MAX_BYTES', {
      default: String(1024 * 1024 * 1024),
      min: 64 * 1024 * 1024,
      description: 'Disk budget of the mirror cache; least recently used mirrors are evicted above it.',
    }),
    fetchTimeoutMs: envVar.duration('DEPLOY_FETCH_TIMEOUT', {
      default: '2m',
      description: 'A git fetch of a release commit running longer is killed; the event is retried.',
    }),
  },
});
export type DeployOrchestratorConfig = InferConfig<typeof deployOrchestratorConfig>;
