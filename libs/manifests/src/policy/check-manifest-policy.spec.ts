import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube-object.js';
import { checkManifestPolicy } from './check-manifest-policy.js';
import { ManifestPolicy, MANIFEST_RULES, STRICT_MANIFEST_POLICY, type ManifestRule } from './manifest-policy.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const options = { defaultNamespace: 'shop-staging' };

/** A container that passes every rule. */
const container = (name = 'app') => ({
  name,
  image: `registry.example.com/acme/shop-api@${DIGEST}`,
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
  resources: { limits: { cpu: '500m', memory: '256Mi' } },
});

/** A pod spec that passes every rule. */
const podSpec = () => ({
  securityContext: { runAsNonRoot: true },
  containers: [container()],
  initContainers: [container('init')],
  volumes: [{ name: 'tmp', emptyDir: {} }],
});

const deployment = (mutate: (spec: ReturnType<typeof podSpec>) => void = () => undefined): KubeObject => {
  const spec = podSpec();
  mutate(spec);
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec } } };
};

const cronJob = (mutate: (spec: ReturnType<typeof podSpec>) => void): KubeObject => {
  const spec = podSpec();
  mutate(spec);
  return { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'ops' }, spec: { jobTemplate: { spec: { template: { spec } } } } };
};

const service = (type?: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type, ports: [{ port: 80 }] } });

const secret = (body: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, ...body });

const ingress = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec });

const check = (objects: KubeObject[]) => checkManifestPolicy(objects, STRICT_MANIFEST_POLICY, options);
const only = (rule: ManifestRule) => ManifestPolicy.parse(Object.fromEntries(MANIFEST_RULES.map((r) => [r, r === rule ? 'deny' : 'allow'])));

describe('checkManifestPolicy', () => {
  it('passes objects that follow every rule', () => {
    expect(
      check([
        deployment(),
        cronJob(() => undefined),
        service(),
        service('ClusterIP'),
        secret({ type: 'kubernetes.io/service-account-token' }),
        secret({ data: {} }),
        ingress({ tls: [{ hosts: ['shop.example.com', '*.api.example.com'] }], rules: [{ host: 'shop.example.com' }, { host: 'v1.api.example.com' }] }),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { password: 'not a secret object' } },
      ]),
    ).toEqual([]);
  });

  it('plaintextSecrets: a Secret with data or stringData, without quoting a value', () => {
    const violations = check([secret({ data: { password: 'aHVudGVyMg==' }, stringData: { token: 'hunter2' } })]);
    expect(violations.map((v) => [v.rule, v.object, v.field])).toEqual([
      ['plaintextSecrets', 'Secret/shop-staging/creds', 'data'],
      ['plaintextSecrets', 'Secret/shop-staging/creds', 'stringData'],
    ]);
    expect(JSON.stringify(violations)).not.toMatch(/hunter2|aHVudGVyMg|password|token/);
  });

  it('privileged: privileged, allowPrivilegeEscalation and added capabilities other than NET_BIND_SERVICE', () => {
    const violations = check([
      deployment((s) => {
        s.containers[0]!.securityContext = { ...s.containers[0]!.securityContext, privileged: true } as never;
        s.initContainers[0]!.securityContext = {
          allowPrivilegeEscalation: true,
          capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'CAP_SYS_ADMIN'] },
        };
      }),
    ]).filter((v) => v.rule === 'privileged');
    expect(violations.map((v) => v.field)).toEqual([
      'spec.template.spec.containers[0].securityContext.privileged',
      'spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation',
      'spec.template.spec.initContainers[0].securityContext.capabilities.add[1]',
    ]);
    expect(violations[2]!.message).toContain('CAP_SYS_ADMIN');
  });

  it('runAsRoot: runAsNonRoot unset on pod and container, or runAsUser 0 anywhere', () => {
    const unset = check([deployment((s) => delete (s as { securityContext?: unknown }).securityContext)]).filter((v) => v.rule === 'runAsRoot');
    expect(unset.map((v) => v.field)).toEqual([
      'spec.template.spec.containers[0].securityContext.runAsNonRoot',
      'spec.template.spec.initContainers[0].securityContext.runAsNonRoot',
    ]);

    const containerOverride = check([
      deployment((s) => {
        s.containers[0]!.securityContext = { ...s.containers[0]!.securityContext, runAsNonRoot: false } as never;
        s.securityContext = { runAsNonRoot: true, runAsUser: 0 } as never;
      }),
    ]).filter((v) => v.rule === 'runAsRoot');
    expect(containerOverride.map((v) => v.field)).toEqual([
      'spec.template.spec.securityContext.runAsUser',
      'spec.template.spec.securityContext.runAsUser',
    ]);

    const containerOnly = check([
      deployment((s) => {
        delete (s as { securityContext?: unknown }).securityContext;
        for (const c of [...s.containers, ...s.initContainers]) c.securityContext = { ...c.securityContext, runAsNonRoot: true } as never;
      }),
    ]);
    expect(containerOnly).toEqual([]);
  });

  it('hostNamespaces: hostNetwork, hostPID, hostIPC, also inside a CronJob job template', () => {
    const violations = check([cronJob((s) => Object.assign(s, { hostNetwork: true, hostPID: true, hostIPC: true }))]);
    expect(violations.map((v) => [v.rule, v.object, v.field])).toEqual([
      ['hostNamespaces', 'CronJob/ops/nightly', 'spec.jobTemplate.spec.template.spec.hostNetwork'],
      ['hostNamespaces', 'CronJob/ops/nightly', 'spec.jobTemplate.spec.template.spec.hostPID'],
      ['hostNamespaces', 'CronJob/ops/nightly', 'spec.jobTemplate.spec.template.spec.hostIPC'],
    ]);
    expect(check([cronJob((s) => Object.assign(s, { hostNetwork: false }))])).toEqual([]);
  });

  it('hostPath: a hostPath volume', () => {
    const violations = check([deployment((s) => s.volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } } as never))]);
    expect(violations).toEqual([
      { rule: 'hostPath', object: 'Deployment/shop-staging/web', field: 'spec.template.spec.volumes[1].hostPath', message: expect.any(String) as unknown },
    ]);
  });

  it('missingLimits: a container or init container without cpu and memory limits', () => {
    const violations = check([
      deployment((s) => {
        s.containers[0]!.resources = { limits: { memory: '1Gi' } } as never;
        s.initContainers[0]!.resources = { requests: { cpu: '1' } } as never;
      }),
    ]);
    expect(violations.map((v) => [v.rule, v.field, v.message])).toEqual([
      ['missingLimits', 'spec.template.spec.containers[0].resources.limits.cpu', 'no cpu limit'],
      ['missingLimits', 'spec.template.spec.initContainers[0].resources.limits', 'no cpu and memory limit'],
    ]);
  });

  it('mutableTags: an image without @sha256 digest, in any container list', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug', namespace: 'tools' },
      spec: { ...podSpec(), ephemeralContainers: [{ name: 'dbg', image: 'busybox:latest' }] },
    };
    (pod['spec'] as ReturnType<typeof podSpec>).containers[0]!.image = 'nginx:1.27';
    const violations = check([pod]).filter((v) => v.rule === 'mutableTags');
    expect(violations.map((v) => [v.object, v.field])).toEqual([
      ['Pod/tools/debug', 'spec.containers[0].image'],
      ['Pod/tools/debug', 'spec.ephemeralContainers[0].image'],
    ]);
  });

  it('nodePort and loadBalancer: Service types', () => {
    expect(check([service('NodePort'), service('LoadBalancer')]).map((v) => [v.rule, v.field])).toEqual([
      ['nodePort', 'spec.type'],
      ['loadBalancer', 'spec.type'],
    ]);
  });

  it('ingressWithoutTls: no spec.tls, or a rule host no tls entry covers', () => {
    const violations = check([
      ingress({ rules: [{ host: 'shop.example.com' }] }),
      ingress({ tls: [{ hosts: ['*.example.com'], secretName: 'cert' }], rules: [{ host: 'shop.example.com' }, { host: 'a.b.example.com' }, {}] }),
      ingress({ tls: [{ secretName: 'default-cert' }], rules: [{ host: 'anything.example.org' }] }),
    ]);
    expect(violations.map((v) => v.field)).toEqual(['spec.tls', 'spec.rules[1].host', 'spec.rules[2]']);
  });

  it('evaluates only the rules the policy denies', () => {
    const bad = [
      deployment((s) => Object.assign(s, { hostNetwork: true })),
      service('NodePort'),
      secret({ stringData: { a: 'b' } }),
    ];
    expect(checkManifestPolicy(bad, only('nodePort'), options).map((v) => v.rule)).toEqual(['nodePort']);
    expect(checkManifestPolicy(bad, ManifestPolicy.parse(Object.fromEntries(MANIFEST_RULES.map((r) => [r, 'allow']))), options)).toEqual([]);
  });
});

describe('ManifestPolicy', () => {
  it('defaults every rule to deny and rejects unknown rules or values', () => {
    expect(Object.values(ManifestPolicy.parse({}))).toEqual(MANIFEST_RULES.map(() => 'deny'));
    expect(ManifestPolicy.parse({ nodePort: 'allow' }).nodePort).toBe('allow');
    expect(ManifestPolicy.safeParse({ nodeport: 'allow' }).success).toBe(false);
    expect(ManifestPolicy.safeParse({ privileged: 'warn' }).success).toBe(false);
    expect(MANIFEST_RULES).toHaveLength(10);
  });
});
