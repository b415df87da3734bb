import { type KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import * as contracts from '@portcullis/contracts';
import { allTopicSpecs, TOPICS, type TopicDefinition } from '@portcullis/contracts';
import { checkManifestPolicy, type KubeObject, parseManifests, STRICT_MANIFEST_POLICY } from '@portcullis/manifests';
import { expectEventually } from '@portcullis/testing';
import { adminKubeConfig, createTestNamespace, type TestNamespace } from '@portcullis/testing/kube';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectsOf, renderChart, REPO_ROOT, TEST_VALUES } from './test/helm-chart.js';

// Validates deploy/helm/portcullis the way CI must: `helm template` (helm from tools/helm/build.sh),
// a server-side dry-run of every rendered object against the local control plane, and Portcullis's
// own manifest policy gate (libs/manifests) over the output. Two renders: (a) the default values,
// (b) every optional feature (KEDA, Strimzi topics, ServiceMonitor, PrometheusRule, ExternalSecret).

const FIELD_MANAGER = 'portcullis-helm-test';
const SERVICES = ['webhook-intake', 'secret-auditor', 'image-scanner', 'deploy-orchestrator', 'notifier'];

type Json = Record<string, unknown>;
const at = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined), value);
const ofKind = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: KubeObject[], kind: string, name: string): KubeObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the render`);
  return found;
};
const podSpecOf = (deployment: KubeObject) => at(deployment, 'spec', 'template', 'spec') as Json;
const containersOf = (deployment: KubeObject) => at(podSpecOf(deployment), 'containers') as Json[];

/**
 * The topics a service's handlers subscribe to: every `@OnTopic(X)` in apps/<service>/src, X being
 * a topic of libs/contracts. The code, not the contracts' `consumedBy` (which is documentation and
 * has drifted), decides what the consumer group reads.
 */
async function subscribedTopics(service: string): Promise<TopicDefinition[]> {
  const sources = await readdir(join(REPO_ROOT, 'apps', service, 'src'), { recursive: true });
  const topics = new Map<string, TopicDefinition>();
  for (const file of sources.filter((f) => f.endsWith('.ts') && !/\.(int-)?spec\.ts$/.test(f))) {
    const text = await readFile(join(REPO_ROOT, 'apps', service, 'src', file), 'utf8');
    for (const [, constant] of text.matchAll(/@OnTopic\((\w+)\)/g)) {
      const topic = TOPICS.find((t) => (contracts as Record<string, unknown>)[constant!] === t);
      if (!topic) throw new Error(`${service}/${file}: @OnTopic(${constant}) is not a topic of libs/contracts`);
      topics.set(topic.name, topic);
    }
  }
  return [...topics.values()];
}

let kc: KubeConfig;
let objectsApi: KubernetesObjectApi;
let release: TestNamespace;
let target: TestNamespace;
let restricted: TestNamespace;
let defaults: { yaml: string; objects: KubeObject[] };
let pinned: KubeObject[];
let allFeatures: { yaml: string; objects: KubeObject[] };

/** Server-side dry-run of every object; the failures as `Kind/name: message` (empty = all accepted). */
async function dryRunAll(objects: KubeObject[]): Promise<string[]> {
  const failures: string[] = [];
  for (const object of objects) {
    try {
      await objectsApi.create(object as KubernetesObject, undefined, 'All', FIELD_MANAGER);
    } catch (error) {
      const body = (error as { body?: unknown }).body;
      const message = typeof body === 'string' ? body : error instanceof Error ? error.message : String(error);
      failures.push(`${object.kind}/${object.metadata.name}: ${message.slice(0, 400)}`);
    }
  }
  return failures;
}

beforeAll(async () => {
  kc = adminKubeConfig();
  objectsApi = KubernetesObjectApi.makeApiClient(kc);
  release = await createTestNamespace(kc, 'helm-portcullis');
  target = await createTestNamespace(kc, 'helm-target');
  // The namespace labels the chart README asks for: pods must satisfy the `restricted` level.
  restricted = await createTestNamespace(kc, 'helm-restricted');
  const labels = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' };
  await objectsApi.patch({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: restricted.name, labels } }, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch);

  // Schema-less stand-ins for the optional CRDs (see the fixture's header): applied, never deleted,
  // since other runs against the same control plane may be using them.
  const crds = parseManifests(new Map([['crds.yaml', await readFile(join(import.meta.dirname, 'test/stand-in-crds.yaml'), 'utf8')]])).objects;
  for (const crd of crds) {
    await objectsApi.patch(crd as KubernetesObject, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }
  await expectEventually(
    async () => {
      for (const crd of crds) {
        const live = await objectsApi.read({ apiVersion: crd.apiVersion, kind: crd.kind, metadata: { name: crd.metadata.name } });
        const established = ((at(live, 'status', 'conditions') as Json[] | undefined) ?? []).some((c) => c['type'] === 'Established' && c['status'] === 'True');
        expect(established, `${crd.metadata.name} established`).toBe(true);
      }
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );

  const targetSet = [`services.deployOrchestrator.targetNamespaces={${target.name}}`];
  const yaml = await renderChart({ namespace: release.name, set: targetSet });
  defaults = { yaml, objects: objectsOf(yaml) };
  pinned = objectsOf(await renderChart({ namespace: release.name, set: targetSet, valuesFiles: [TEST_VALUES.digests] }));
  const all = await renderChart({ namespace: release.name, set: targetSet, valuesFiles: [TEST_VALUES.allFeatures, TEST_VALUES.digests] });
  allFeatures = { yaml: all, objects: objectsOf(all) };
}, 20 * 60_000);

afterAll(async () => {
  await release?.delete();
  await target?.delete();
  await restricted?.delete();
});

describe('the chart with default values', () => {
  it('renders every service with its Deployment, Service, ServiceAccount, ConfigMap, NetworkPolicy, PDB and HPA', () => {
    for (const service of SERVICES) {
      const name = `portcullis-${service}`;
      for (const kind of ['Deployment', 'Service', 'ServiceAccount', 'NetworkPolicy', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']) {
        expect(() => named(defaults.objects, kind, name), `${kind}/${name}`).not.toThrow();
      }
      expect(() => named(defaults.objects, 'ConfigMap', `${name}-env`)).not.toThrow();
    }
    expect(ofKind(defaults.objects, 'ScaledObject')).toEqual([]);
  });

  it('is accepted by the API server (server-side dry-run of every object)', async () => {
    expect(await dryRunAll(defaults.objects)).toEqual([]);
  });

  it('dry-run rejects what the API server would reject (the check can fail)', async () => {
    const broken = structuredClone(named(defaults.objects, 'Deployment', 'portcullis-notifier'));
    (broken['spec'] as Json)['replicas'] = 'two';
    const failures = await dryRunAll([broken]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('Deployment/portcullis-notifier');
  });

  it('passes the manifest policy gate once CI pins the image digests, and is denied only for mutable tags before', () => {
    expect(checkManifestPolicy(pinned, STRICT_MANIFEST_POLICY, { defaultNamespace: release.name })).toEqual([]);
    const unpinned = checkManifestPolicy(defaults.objects, STRICT_MANIFEST_POLICY, { defaultNamespace: release.name });
    expect(unpinned.map((v) => `${v.rule} ${v.object}`).sort()).toEqual(
      SERVICES.map((s) => `mutableTags Deployment/${release.name}/portcullis-${s}`).sort(),
    );
  });

  it('runs every container non-root, read-only, without capabilities, with seccomp and limits', () => {
    const deployments = ofKind(defaults.objects, 'Deployment');
    expect(deployments).toHaveLength(5);
    for (const deployment of deployments) {
      const pod = podSpecOf(deployment);
      const where = deployment.metadata.name;
      expect(at(pod, 'securityContext', 'runAsNonRoot'), where).toBe(true);
      expect(at(pod, 'securityContext', 'seccompProfile', 'type'), where).toBe('RuntimeDefault');
      expect(pod['hostNetwork'] ?? false, where).toBe(false);
      for (const container of containersOf(deployment)) {
        const sc = container['securityContext'] as Json;
        expect(sc['runAsNonRoot'], where).toBe(true);
        expect(sc['runAsUser'], where).not.toBe(0);
        expect(sc['readOnlyRootFilesystem'], where).toBe(true);
        expect(sc['allowPrivilegeEscalation'], where).toBe(false);
        expect(at(sc, 'capabilities', 'drop'), where).toEqual(['ALL']);
        expect(at(sc, 'capabilities', 'add'), where).toBeUndefined();
        expect(at(sc, 'seccompProfile', 'type'), where).toBe('RuntimeDefault');
        for (const bound of ['requests', 'limits']) {
          expect(at(container, 'resources', bound, 'cpu'), `${where} ${bound}.cpu`).toBeDefined();
          expect(at(container, 'resources', bound, 'memory'), `${where} ${bound}.memory`).toBeDefined();
        }
        expect(at(container, 'livenessProbe', 'httpGet', 'path'), where).toBe('/healthz');
        expect(at(container, 'readinessProbe', 'httpGet', 'path'), where).toBe('/readyz');
        // A read-only root needs a writable /tmp, from an emptyDir.
        const tmp = (container['volumeMounts'] as Json[]).find((m) => m['mountPath'] === '/tmp');
        const volume = (pod['volumes'] as Json[]).find((v) => v['name'] === tmp?.['name']);
        expect(volume?.['emptyDir'], `${where} /tmp`).toBeDefined();
      }
      const isOrchestrator = where === 'portcullis-deploy-orchestrator';
      expect(pod['automountServiceAccountToken'], where).toBe(isOrchestrator);
    }
  });

  it('runs pods the `restricted` Pod Security level admits (dry-run Pods in an enforcing namespace)', async () => {
    // Pod admission needs the ServiceAccounts to exist: created for real in the enforcing namespace.
    for (const sa of ofKind(defaults.objects, 'ServiceAccount')) {
      await objectsApi.create({ ...sa, metadata: { ...sa.metadata, namespace: restricted.name } } as KubernetesObject);
    }
    const podOf = (deployment: KubeObject): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${deployment.metadata.name}-psa`, namespace: restricted.name },
      spec: structuredClone(podSpecOf(deployment)),
    });
    const pods = ofKind(defaults.objects, 'Deployment').map(podOf);
    await expectEventually(async () => expect(await dryRunAll(pods)).toEqual([]), { timeoutMs: 20_000, intervalMs: 500 });

    // The control: the same pod with its hardening taken away is refused by the namespace.
    const weakened = structuredClone(pods[0]!);
    const spec = weakened['spec'] as Json;
    delete (spec['securityContext'] as Json)['runAsNonRoot'];
    const container = (spec['containers'] as Json[])[0]!;
    delete (container['securityContext'] as Json)['runAsNonRoot'];
    (container['securityContext'] as Json)['allowPrivilegeEscalation'] = true;
    const failures = await dryRunAll([weakened]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('PodSecurity');
  });

  it('holds no secret: no Secret object, and every secret comes from a referenced Secret', () => {
    expect(ofKind(defaults.objects, 'Secret')).toEqual([]);
    for (const deployment of ofKind(defaults.objects, 'Deployment')) {
      for (const container of containersOf(deployment)) {
        for (const env of (container['env'] as Json[] | undefined) ?? []) expect(env['value'], `${deployment.metadata.name} ${String(env['name'])}`).toBeUndefined();
      }
    }
    for (const cm of ofKind(defaults.objects, 'ConfigMap')) {
      const keys = Object.keys((cm['data'] as Json | undefined) ?? {});
      expect(keys.filter((k) => /(_TOKEN|_PASSWORD|_SECRET|^REDIS_URL|_KEY)$/.test(k)), cm.metadata.name).toEqual([]);
    }
    const auditor = named(defaults.objects, 'ConfigMap', 'portcullis-secret-auditor-env')['data'] as Json;
    expect(auditor['SECRETS_FINGERPRINT_KEY_FILE']).toBe('/var/run/secrets/portcullis/env/SECRETS_FINGERPRINT_KEY');
    expect(auditor['REDIS_URL_FILE']).toBe('/var/run/secrets/portcullis/env/REDIS_URL');
  });

  it('denies all traffic by default and lets in only the ingress controller (intake) and Prometheus', () => {
    const deny = named(defaults.objects, 'NetworkPolicy', 'portcullis-default-deny');
    expect(at(deny, 'spec', 'podSelector', 'matchLabels')).toEqual({ 'app.kubernetes.io/part-of': 'portcullis', 'app.kubernetes.io/instance': 'portcullis' });
    expect(at(deny, 'spec', 'policyTypes')).toEqual(['Ingress', 'Egress']);
    expect(at(deny, 'spec', 'ingress')).toBeUndefined();
    expect(at(deny, 'spec', 'egress')).toBeUndefined();
    // Every pod carries the labels the default deny selects.
    for (const deployment of ofKind(defaults.objects, 'Deployment')) {
      expect(at(deployment, 'spec', 'template', 'metadata', 'labels')).toMatchObject({ 'app.kubernetes.io/part-of': 'portcullis', 'app.kubernetes.io/instance': 'portcullis' });
    }
    const ingressPeers = (name: string) => ((at(named(defaults.objects, 'NetworkPolicy', name), 'spec', 'ingress') as Json[]) ?? []).length;
    expect(ingressPeers('portcullis-webhook-intake')).toBe(2);
    expect(ingressPeers('portcullis-secret-auditor')).toBe(1);
    // Only the orchestrator may reach the Kubernetes API port.
    const egressPorts = (name: string) => ((at(named(defaults.objects, 'NetworkPolicy', name), 'spec', 'egress') as Json[]) ?? []).flatMap((rule) => ((rule['ports'] as Json[]) ?? []).map((p) => p['port']));
    expect(egressPorts('portcullis-deploy-orchestrator')).toContain(6443);
    for (const service of SERVICES.filter((s) => s !== 'deploy-orchestrator')) expect(egressPorts(`portcullis-${service}`)).not.toContain(6443);
  });

  it("gives the orchestrator exactly deploy/rbac's Role in each target namespace", async () => {
    const reference = parseManifests(new Map([['rbac.yaml', await readFile(join(REPO_ROOT, 'deploy/rbac/deploy-orchestrator.yaml'), 'utf8')]])).objects;
    const role = named(defaults.objects, 'Role', 'portcullis-deploy-orchestrator');
    expect(role.metadata.namespace).toBe(target.name);
    expect(role['rules']).toEqual(named(reference, 'Role', 'portcullis-deploy-orchestrator')['rules']);
    const binding = named(defaults.objects, 'RoleBinding', 'portcullis-deploy-orchestrator');
    expect(binding['subjects']).toEqual([{ kind: 'ServiceAccount', name: 'portcullis-deploy-orchestrator', namespace: release.name }]);
    expect(ofKind(defaults.objects, 'ClusterRole')).toEqual([]);
    expect(ofKind(defaults.objects, 'ClusterRoleBinding')).toEqual([]);
  });

  it('publishes only the webhook routes, over TLS from a referenced certificate Secret', () => {
    const ingress = named(defaults.objects, 'Ingress', 'portcullis-webhook-intake');
    expect(at(ingress, 'spec', 'tls')).toEqual([{ hosts: ['portcullis.example.com'], secretName: 'portcullis-intake-tls' }]);
    const paths = (at(ingress, 'spec', 'rules', 0, 'http', 'paths') as Json[]).map((p) => p['path']);
    expect(paths).toEqual(['/v1/webhooks', '/v1/builds']);
  });
});

describe('the chart with every optional feature', () => {
  it('renders the KEDA, Strimzi, Prometheus Operator and External Secrets objects', () => {
    const kinds = new Set(allFeatures.objects.map((o) => o.kind));
    for (const kind of ['ScaledObject', 'TriggerAuthentication', 'KafkaTopic', 'ServiceMonitor', 'PrometheusRule', 'ExternalSecret']) expect(kinds, kind).toContain(kind);
  });

  it('is accepted by the API server (server-side dry-run, CRD kinds included)', async () => {
    expect(await dryRunAll(allFeatures.objects)).toEqual([]);
  });

  it('passes the manifest policy gate', () => {
    expect(checkManifestPolicy(allFeatures.objects, STRICT_MANIFEST_POLICY, { defaultNamespace: release.name })).toEqual([]);
  });

  it("scales each consumer on its own group's lag, on exactly the topics its handlers subscribe to, up to their partitions", async () => {
    const scaled = ofKind(allFeatures.objects, 'ScaledObject');
    expect(scaled.map((s) => s.metadata.name).sort()).toEqual(SERVICES.filter((s) => s !== 'webhook-intake').map((s) => `portcullis-${s}`).sort());
    for (const object of scaled) {
      const service = object.metadata.name.replace(/^portcullis-/, '');
      const triggers = at(object, 'spec', 'triggers') as Json[];
      const consumed = await subscribedTopics(service);
      expect(triggers.map((t) => String(at(t, 'metadata', 'topic'))).sort(), service).toEqual(consumed.map((t) => `prod.${t.name}`).sort());
      for (const trigger of triggers) {
        expect(trigger['type']).toBe('kafka');
        expect(at(trigger, 'metadata', 'consumerGroup')).toBe(`prod.${service}`);
        expect(at(trigger, 'metadata', 'sasl')).toBe('scram_sha512');
        expect(at(trigger, 'metadata', 'tls')).toBe('enable');
        expect(at(trigger, 'authenticationRef', 'name')).toBe('portcullis-kafka');
      }
      const partitions = Math.max(...consumed.map((t) => t.partitions));
      expect(at(object, 'spec', 'maxReplicaCount') as number, service).toBeLessThanOrEqual(partitions);
    }
    // KEDA reads Kafka credentials from the Secrets, never from values.
    const auth = named(allFeatures.objects, 'TriggerAuthentication', 'portcullis-kafka');
    expect((at(auth, 'spec', 'secretTargetRef') as Json[]).map((r) => r['parameter'])).toEqual(['username', 'password', 'ca']);
    // The intake consumes nothing: CPU is its only scaling signal.
    expect(() => named(allFeatures.objects, 'HorizontalPodAutoscaler', 'portcullis-webhook-intake')).not.toThrow();
  });

  it('creates every topic of libs/contracts with its partitions and retention', () => {
    const topics = ofKind(allFeatures.objects, 'KafkaTopic').map((t) => ({
      name: at(t, 'spec', 'topicName'),
      partitions: at(t, 'spec', 'partitions'),
      retentionMs: Number(at(t, 'spec', 'config', 'retention.ms')),
    }));
    expect(topics).toEqual(allTopicSpecs().map((s) => ({ name: `prod.${s.name}`, partitions: s.partitions, retentionMs: s.retentionMs })));
  });

  it('wires Kafka TLS and SASL with the password and CA from referenced Secrets', () => {
    const env = named(allFeatures.objects, 'ConfigMap', 'portcullis-notifier-env')['data'] as Json;
    expect(env).toMatchObject({
      KAFKA_BROKERS: 'kafka-0.kafka:9093,kafka-1.kafka:9093',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/var/run/secrets/portcullis/files/kafka-ca.pem',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'portcullis',
      KAFKA_SASL_PASSWORD_FILE: '/var/run/secrets/portcullis/env/KAFKA_SASL_PASSWORD',
      KAFKA_TOPIC_PREFIX: 'prod.',
    });
    expect(env).not.toHaveProperty('KAFKA_SASL_PASSWORD');
    const volume = (podSpecOf(named(allFeatures.objects, 'Deployment', 'portcullis-notifier'))['volumes'] as Json[]).find((v) => v['name'] === 'secrets');
    const sources = at(volume, 'projected', 'sources') as Json[];
    expect(sources.map((s) => at(s, 'secret', 'name'))).toEqual(
      expect.arrayContaining(['portcullis-redis', 'portcullis-kafka-user', 'kafka-cluster-ca', 'portcullis-notifier']),
    );
    expect(ofKind(allFeatures.objects, 'Secret')).toEqual([]);
  });

  it('alerts on growing lag, dead letters, the oldest pending scan and rollbacks, on metric names the services export', () => {
    const rules = (at(named(allFeatures.objects, 'PrometheusRule', 'portcullis'), 'spec', 'groups', 0, 'rules') as Json[]).map((r) => [r['alert'], r['expr']]);
    expect(rules.map(([alert]) => alert)).toEqual(['PortcullisConsumerLagGrowing', 'PortcullisDeadLettered', 'PortcullisScanPendingTooLong', 'PortcullisReleaseRolledBack']);
    expect(String(rules[0]![1])).toContain('portcullis_consumer_lag');
    expect(String(rules[1]![1])).toContain('portcullis_messages_dead_lettered_total');
    expect(String(rules[2]![1])).toContain('portcullis_scan_oldest_pending_age_seconds');
  });
});

describe('the chart refuses', () => {
  const refusal = async (set: string[]) => {
    const error = await renderChart({ namespace: 'portcullis', set }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error, set.join(' ')).toBeInstanceOf(Error);
    return error!.message;
  };

  it('a secret value where a Secret reference belongs, and a secret in plain env', async () => {
    expect(await refusal(['services.notifier.secretEnv.SLACK_BOT_TOKEN=xoxb-not-a-real-token'])).toContain('must be a Secret reference');
    expect(await refusal(['services.notifier.env.SLACK_BOT_TOKEN=xoxb-not-a-real-token'])).toContain('holds a secret');
    expect(await refusal(['redis.urlSecret=redis://redis:6379'])).toContain('must be a Secret reference');
  });

  it('more replicas than partitions, and an Ingress without TLS', async () => {
    expect(await refusal(['services.secretAuditor.autoscaling.maxReplicas=13'])).toContain('exceeds the 12 partitions');
    expect(await refusal(['ingress.tls.secretName='])).toContain('TLS only');
  });
});
