import {
  AppsV1Api,
  RbacAuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1Deployment,
  type V1Job,
  type V1ClusterRole,
  type V1ClusterRoleBinding,
  type V1Pod,
  type V1Role,
  type V1RoleBinding,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEventually } from '../eventually.js';
import {
  adminKubeConfig,
  createTestNamespace,
  kubeStackEnv,
  kubeStatusOf,
  serviceAccountKubeConfig,
  TEST_NAMESPACE_LABEL,
  type TestNamespace,
} from './index.js';

const NEVER_READY = 'portcullis.dev/kwok-never-ready';
const FAIL = 'portcullis.dev/kwok-fail';

function deployment(name: string, replicas: number, podLabels: Record<string, string> = {}): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas,
      progressDeadlineSeconds: 5,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...podLabels } },
        spec: { containers: [{ name: 'app', image: `registry.invalid/${name}:1` }] },
      },
    },
  };
}

function job(name: string, podLabels: Record<string, string> = {}): V1Job {
  return {
    metadata: { name },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: { job: name, ...podLabels } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'registry.invalid/smoke:1' }] },
      },
    },
  };
}

const isReady = (pod: V1Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe('local Kubernetes control plane (kwok)', () => {
  let kc: KubeConfig;
  let ns: TestNamespace;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let batch: BatchV1Api;

  beforeAll(async () => {
    kubeStackEnv();
    kc = adminKubeConfig();
    ns = await createTestNamespace(kc, 'kube-int');
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    batch = kc.makeApiClient(BatchV1Api);
  });
  afterAll(async () => {
    await ns?.delete();
  });

  it('labels the test namespace for cleanup', async () => {
    const created = await core.readNamespace({ name: ns.name });
    expect(created.metadata?.labels?.[TEST_NAMESPACE_LABEL]).toBe('true');
    expect(ns.name).toMatch(/^kube-int-[0-9a-z]+$/);
  });

  it('runs a Deployment with 2 replicas to 2 Ready pods', async () => {
    await apps.createNamespacedDeployment({ namespace: ns.name, body: deployment('web', 2) });
    await expectEventually(async () => {
      const status = (await apps.readNamespacedDeployment({ name: 'web', namespace: ns.name })).status;
      expect(status?.readyReplicas).toBe(2);
      const pods = (await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=web' })).items;
      expect(pods.filter((p) => p.status?.phase === 'Running' && isReady(p))).toHaveLength(2);
    });
  });

  it('keeps pods labelled kwok-never-ready Running but never Ready', async () => {
    await apps.createNamespacedDeployment({ namespace: ns.name, body: deployment('stuck', 1, { [NEVER_READY]: 'true' }) });
    await apps.createNamespacedDeployment({ namespace: ns.name, body: deployment('control', 1) });
    // kwok handles both pods alike; once the unlabelled one is Ready the labelled one had its chance
    await expectEventually(async () => {
      const control = (await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=control' })).items;
      expect(control.filter(isReady)).toHaveLength(1);
      const stuck = (await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=stuck' })).items;
      expect(stuck.map((p) => p.status?.phase)).toEqual(['Running']);
    });
    const [pod] = (await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=stuck' })).items;
    expect(isReady(pod!)).toBe(false);
    expect(pod!.status?.containerStatuses?.map((c) => [c.ready, c.state?.running !== undefined])).toEqual([[false, true]]);
    // the Deployment controller gives up after progressDeadlineSeconds, as a rollout would
    await expectEventually(
      async () => {
        const status = (await apps.readNamespacedDeployment({ name: 'stuck', namespace: ns.name })).status;
        expect(status?.readyReplicas ?? 0).toBe(0);
        expect(status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
      },
      { timeoutMs: 40_000 },
    );
  });

  it('fails Jobs whose pods are labelled kwok-fail and completes the others', async () => {
    await batch.createNamespacedJob({ namespace: ns.name, body: job('smoke-bad', { [FAIL]: 'true' }) });
    await batch.createNamespacedJob({ namespace: ns.name, body: job('smoke-ok') });
    await expectEventually(async () => {
      const bad = await batch.readNamespacedJob({ name: 'smoke-bad', namespace: ns.name });
      expect(bad.status?.conditions?.find((c) => c.type === 'Failed')?.status).toBe('True');
      expect(bad.status?.succeeded ?? 0).toBe(0);
      const ok = await batch.readNamespacedJob({ name: 'smoke-ok', namespace: ns.name });
      expect(ok.status?.conditions?.find((c) => c.type === 'Complete')?.status).toBe('True');
      expect(ok.status?.failed ?? 0).toBe(0);
    });
    const [badPod] = (await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'job=smoke-bad' })).items;
    expect(badPod?.status?.phase).toBe('Failed');
    expect(badPod?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(1);
  });

  it('gives a ServiceAccount kubeconfig exactly the rights of its Role', async () => {
    await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'settings' }, data: { mode: 'test' } } });
    const role: V1Role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'configmap-reader', namespace: 'placeholder' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    };
    const binding: V1RoleBinding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'configmap-reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'someone-else', namespace: 'elsewhere' }],
    };
    const saKc = await serviceAccountKubeConfig(kc, { namespace: ns.name, serviceAccount: 'reader', manifests: [role, binding] });
    expect(saKc.getCurrentUser()?.token).toBeTruthy();
    expect(saKc.getCurrentUser()?.certData).toBeUndefined();
    expect(saKc.getCurrentCluster()?.server).toBe(kc.getCurrentCluster()?.server);

    const cm = await saKc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: 'settings', namespace: ns.name });
    expect(cm.data).toEqual({ mode: 'test' });

    const forbidden = await saKc
      .makeApiClient(AppsV1Api)
      .listNamespacedDeployment({ namespace: ns.name })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(kubeStatusOf(forbidden)).toBe(403);
    expect(String((forbidden as { body?: unknown }).body)).toContain(`system:serviceaccount:${ns.name}:reader`);
  });

  it('scopes ClusterRoles of a ServiceAccount kubeconfig to the test namespace', async () => {
    const clusterRole: V1ClusterRole = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'node-lister' },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }],
    };
    const binding: V1ClusterRoleBinding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'node-lister' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'node-lister' },
      subjects: [{ kind: 'ServiceAccount', name: 'x', namespace: 'y' }],
    };
    const saKc = await serviceAccountKubeConfig(kc, { namespace: ns.name, serviceAccount: 'lister', manifests: [clusterRole, binding] });

    const nodes = await saKc.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toContain('kwok-node-0');
    // renamed per namespace and owned by it, so deleting the namespace removes it
    const created = await kc.makeApiClient(RbacAuthorizationV1Api).readClusterRole({ name: `node-lister-${ns.name}` });
    expect(created.metadata?.ownerReferences?.map((o) => [o.kind, o.name])).toEqual([['Namespace', ns.name]]);
  });
});
