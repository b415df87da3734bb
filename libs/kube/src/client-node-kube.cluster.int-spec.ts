import { afterEach, describe, expect, it } from 'vitest';
import { adminKubeConfig } from '@portcullis/testing/kube';
import { deployment, IMAGE_V1, kubeTestEnv, service, type KubeTestEnv } from '../test/kube-fixtures.js';
import { ClientNodeKubeCluster } from './client-node-kube.cluster.js';
import { KubeError } from './kube.error.js';
import type { RolloutPlan } from './rollout.types.js';

describe('ClientNodeKubeCluster errors against the local control plane', () => {
  let env: KubeTestEnv | undefined;
  afterEach(async () => {
    await env?.namespace.delete();
    env = undefined;
  });

  it('a Role without "patch services" fails the rollout with a permanent KUBE_FORBIDDEN naming verb, resource, namespace and user', async () => {
    env = await kubeTestEnv('kube-forbidden', (rules) =>
      rules.map((r) => (r.resources?.includes('services') ? { ...r, verbs: r.verbs.filter((v) => v !== 'patch') } : r)),
    );
    const ns = env.namespace.name;
    const plan: RolloutPlan = {
      app: 'shop',
      namespace: ns,
      releaseId: 'r1',
      fence: 1,
      objects: [deployment('shop', { image: IMAGE_V1 }), service('shop', 'shop')],
      strategy: 'rolling',
      progressDeadlineMs: 3_000,
    };
    const error = await env.rollout.advance(plan, undefined, { budgetMs: 1_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    const kubeError = error as KubeError;
    expect(kubeError.code).toBe('KUBE_FORBIDDEN');
    expect(kubeError.disposition).toBe('permanent');
    expect(kubeError.message).toContain('patch services');
    expect(kubeError.message).toContain(`namespace ${ns}`);
    expect(kubeError.message).toContain(`system:serviceaccount:${ns}:deploy-orchestrator`);
    expect(kubeError.message).not.toMatch(/eyJ|Bearer|BEGIN/);
  });

  it('an invalid object is a permanent KUBE_INVALID naming the field', async () => {
    env = await kubeTestEnv('kube-invalid');
    const bad = deployment('shop', { image: IMAGE_V1 });
    (bad['spec'] as { replicas: number }).replicas = -1;
    const error = await env.cluster.apply({ ...bad, metadata: { name: 'shop', namespace: env.namespace.name } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KUBE_INVALID', disposition: 'permanent' });
    expect((error as KubeError).message).toContain('spec.replicas');
  });

  it('a missing namespace is a permanent KUBE_NAMESPACE_NOT_FOUND', async () => {
    const cluster = new ClientNodeKubeCluster(adminKubeConfig());
    const error = await cluster.apply({ ...deployment('shop', { image: IMAGE_V1 }), metadata: { name: 'shop', namespace: 'no-such-namespace-kube-test' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KUBE_NAMESPACE_NOT_FOUND', disposition: 'permanent' });
  });

  it('a refused connection is a retryable KUBE_UNAVAILABLE with a retry hint', async () => {
    const kc = adminKubeConfig();
    const current = kc.getCurrentCluster()!;
    kc.loadFromOptions({
      clusters: [{ ...current, server: 'https://127.0.0.1:1' }],
      users: kc.users,
      contexts: kc.contexts,
      currentContext: kc.currentContext,
    });
    const error = await new ClientNodeKubeCluster(kc).getDeployment('default', 'x').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KUBE_UNAVAILABLE', disposition: 'retry' });
    expect((error as KubeError).retryAfterMs).toBeGreaterThan(0);
    expect((error as KubeError).message).not.toContain('BEGIN');
  });
});
