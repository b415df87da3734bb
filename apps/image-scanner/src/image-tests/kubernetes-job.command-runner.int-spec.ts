import { BatchV1Api, CoreV1Api, NetworkingV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { expectEventually } from '@portcullis/testing';
import { adminKubeConfig, createTestNamespace, type TestNamespace } from '@portcullis/testing/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENY_ALL_POLICY, IMAGE_TEST_POD_LABEL, KubernetesJobCommandRunner, type KubernetesJobRunnerOptions } from './kubernetes-job.command-runner.js';

/*
 * The Job runner against the local control plane. Its node is kwok's: pods are scheduled and
 * moved through their phases, but nothing runs. So the test checks the objects the runner creates
 * and how it reads their outcome — by letting kwok finish a pod (exit 0), keeping it running past
 * the deadline, or writing a terminated container state into an unscheduled pod's status, as a
 * kubelet would.
 */

const IMAGE = `registry.invalid/acme/api@sha256:${'b'.repeat(64)}`;
let kc: KubeConfig;
let ns: TestNamespace;
let core: CoreV1Api;
let batch: BatchV1Api;

function runner(overrides: Partial<KubernetesJobRunnerOptions> = {}): KubernetesJobCommandRunner {
  return new KubernetesJobCommandRunner({
    kubeConfig: kc,
    namespace: ns.name,
    ttlSecondsAfterFinished: 300,
    startupAllowanceMs: 10_000,
    pollMs: 200,
    memoryBytes: 64 * 1024 * 1024,
    cpuMillis: 250,
    tmpBytes: 1024 * 1024,
    ...overrides,
  });
}

async function testPods(): Promise<V1Pod[]> {
  return (await core.listNamespacedPod({ namespace: ns.name, labelSelector: `${IMAGE_TEST_POD_LABEL}=true` })).items;
}

beforeAll(async () => {
  kc = adminKubeConfig();
  ns = await createTestNamespace(kc, 'image-tests');
  core = kc.makeApiClient(CoreV1Api);
  batch = kc.makeApiClient(BatchV1Api);
});

afterAll(async () => {
  await ns?.delete();
});

describe('KubernetesJobCommandRunner (local control plane, kwok node)', () => {
  it('creates a restricted Job and reads the exit code a kubelet writes into the pod status', async () => {
    // No node matches: the pod stays Pending and only this test writes its status.
    const sut = runner({ nodeSelector: { 'portcullis.dev/no-such-node': 'true' } });
    const outcome = sut.run({ image: IMAGE, argv: ['/app/server', '--check'], timeoutMs: 30_000, user: '1000:2000' });

    let pod: V1Pod | undefined;
    await expectEventually(async () => {
      [pod] = await testPods();
      expect(pod).toBeDefined();
    });
    const jobName = pod!.metadata!.labels!['job-name']!;
    const job = await batch.readNamespacedJob({ name: jobName, namespace: ns.name });
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 40, ttlSecondsAfterFinished: 300 });
    const spec = pod!.spec!;
    expect(spec).toMatchObject({
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } },
    });
    const [container] = spec.containers;
    expect(container).toMatchObject({
      image: IMAGE,
      command: ['/app/server', '--check'],
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ['ALL'] } },
    });
    expect(container?.env ?? []).toEqual([]);
    expect(container?.envFrom ?? []).toEqual([]);

    const policy = await kc.makeApiClient(NetworkingV1Api).readNamespacedNetworkPolicy({ name: DENY_ALL_POLICY, namespace: ns.name });
    expect(policy.spec).toMatchObject({ podSelector: { matchLabels: { [IMAGE_TEST_POD_LABEL]: 'true' } }, policyTypes: ['Ingress', 'Egress'] });
    expect(policy.spec?.egress ?? []).toEqual([]);
    expect(policy.spec?.ingress ?? []).toEqual([]);

    await core.replaceNamespacedPodStatus({
      name: pod!.metadata!.name!,
      namespace: ns.name,
      body: {
        ...pod!,
        status: {
          phase: 'Failed',
          containerStatuses: [
            { name: 'test', image: IMAGE, imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 3, reason: 'Error', startedAt: new Date(), finishedAt: new Date() } } },
          ],
        },
      },
    });
    const result = await outcome;
    expect(result).toMatchObject({ exitCode: 3, timedOut: false });
    // kwok serves no logs: the output is reported as unavailable, not as empty.
    expect(result).toHaveProperty('outputUnavailable');
    await expectEventually(async () => {
      const jobs = await batch.listNamespacedJob({ namespace: ns.name });
      expect(jobs.items.map((j) => j.metadata?.name)).not.toContain(jobName);
    });
  });

  it('reads a Job that kwok completes as exit code 0, and a kwok-failed one as exit code 1', async () => {
    expect(await runner().run({ image: IMAGE, argv: ['/app/server', '--version'], timeoutMs: 30_000, user: '1000' })).toMatchObject({ exitCode: 0, timedOut: false });
    const failing = runner({ podLabels: { 'portcullis.dev/kwok-fail': 'true' } });
    expect(await failing.run({ image: IMAGE, argv: ['/app/server', '--version'], timeoutMs: 30_000, user: '1000' })).toMatchObject({ exitCode: 1, timedOut: false });
  });

  it('reports a container still running at the Job deadline as timed out', async () => {
    // kwok would complete a scheduled Job pod; an unscheduled one is "started" by writing a running state.
    const sut = runner({ startupAllowanceMs: 0, nodeSelector: { 'portcullis.dev/no-such-node': 'true' } });
    const outcome = sut.run({ image: IMAGE, argv: ['/bin/sleep', '600'], timeoutMs: 3_000, user: '1000' });
    let pod: V1Pod | undefined;
    await expectEventually(async () => {
      [pod] = (await testPods()).filter((p) => p.metadata?.labels?.['job-name'] && !p.metadata.deletionTimestamp && !p.status?.containerStatuses);
      expect(pod).toBeDefined();
    });
    await core.replaceNamespacedPodStatus({
      name: pod!.metadata!.name!,
      namespace: ns.name,
      body: { ...pod!, status: { phase: 'Running', containerStatuses: [{ name: 'test', image: IMAGE, imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: new Date() } } }] } },
    });
    expect(await outcome).toMatchObject({ timedOut: true });
  });

  it('refuses a user given by name, which a pod security context cannot express', async () => {
    expect(await runner().run({ image: IMAGE, argv: ['id'], timeoutMs: 5_000, user: 'app' })).toEqual({ notRun: expect.stringMatching(/numeric user/) });
  });
});
