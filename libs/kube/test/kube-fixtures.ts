import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, loadAllYaml, type KubeConfig, type KubernetesObject, type V1PolicyRule, type V1Role } from '@kubernetes/client-node';
import { REPO_ROOT } from '@portcullis/testing';
import { adminKubeConfig, createTestNamespace, serviceAccountKubeConfig, type TestNamespace } from '@portcullis/testing/kube';
import { ClientNodeKubeCluster } from '../src/client-node-kube.cluster.js';
import type { KubeObject } from '../src/kube-cluster.port.js';
import { KubeRollout } from '../src/kube-rollout.js';
import type { AdvanceResult, RolloutPlan, RolloutProgress } from '../src/rollout.types.js';

/** Role + RoleBinding of deploy/rbac (the ServiceAccount is created by the helper). */
export function rbacManifests(editRules: (rules: V1PolicyRule[]) => V1PolicyRule[] = (r) => r): KubernetesObject[] {
  const docs = loadAllYaml(readFileSync(join(REPO_ROOT, 'deploy/rbac/deploy-orchestrator.yaml'), 'utf8')) as KubernetesObject[];
  return docs
    .filter((d) => d.kind === 'Role' || d.kind === 'RoleBinding')
    .map((d) => (d.kind === 'Role' ? { ...d, rules: editRules(structuredClone((d as V1Role).rules ?? [])) } : d));
}

export interface KubeTestEnv {
  namespace: TestNamespace;
  admin: KubeConfig;
  adminApps: AppsV1Api;
  adminCore: CoreV1Api;
  /** The adapter authenticated as a ServiceAccount bound to deploy/rbac's Role. */
  cluster: ClientNodeKubeCluster;
  rollout: KubeRollout;
}

/** A fresh namespace and a cluster adapter acting as the orchestrator's ServiceAccount in it. */
export async function kubeTestEnv(prefix: string, editRules?: (rules: V1PolicyRule[]) => V1PolicyRule[]): Promise<KubeTestEnv> {
  const admin = adminKubeConfig();
  const namespace = await createTestNamespace(admin, prefix);
  const saKc = await serviceAccountKubeConfig(admin, { namespace: namespace.name, serviceAccount: 'deploy-orchestrator', manifests: rbacManifests(editRules) });
  const cluster = new ClientNodeKubeCluster(saKc);
  return { namespace, admin, adminApps: admin.makeApiClient(AppsV1Api), adminCore: admin.makeApiClient(CoreV1Api), cluster, rollout: new KubeRollout(cluster) };
}

export const IMAGE_V1 = 'registry.example.com/acme/shop@sha256:' + '1'.repeat(64);
export const IMAGE_V2 = 'registry.example.com/acme/shop@sha256:' + '2'.repeat(64);

export function deployment(name: string, options: { image: string; replicas?: number; neverReady?: boolean }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: options.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...(options.neverReady ? { 'portcullis.dev/kwok-never-ready': 'true' } : {}) } },
        spec: {
          containers: [{ name: 'app', image: options.image, resources: { limits: { cpu: '100m', memory: '64Mi' } } }],
        },
      },
    },
  };
}

export function service(name: string, app: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
}

export function configMap(name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

/** Drives `advance` like the orchestrator: persist, call again on `wait`, until an end. */
export async function drive(
  rollout: KubeRollout,
  plan: RolloutPlan,
  start?: RolloutProgress,
  options: { budgetMs?: number; maxMs?: number; onProgress?: (p: RolloutProgress) => void } = {},
): Promise<AdvanceResult & { steps: number }> {
  let progress = start;
  const until = Date.now() + (options.maxMs ?? 40_000);
  for (let steps = 1; ; steps++) {
    const result = await rollout.advance(plan, progress, { budgetMs: options.budgetMs ?? 2_000, onProgress: options.onProgress });
    progress = result.progress;
    if (result.outcome.kind !== 'wait') return { ...result, steps };
    if (Date.now() > until) throw new Error(`rollout still waiting after ${options.maxMs ?? 40_000} ms: ${JSON.stringify(progress)}`);
    await new Promise((r) => setTimeout(r, Math.min(result.outcome.kind === 'wait' ? result.outcome.retryAfterMs : 0, 200)));
  }
}
