import { BatchV1Api, CoreV1Api, NetworkingV1Api, type KubeConfig, type V1Job, type V1NetworkPolicy, type V1Pod } from '@kubernetes/client-node';
import { MAX_OUTPUT_BYTES, truncateUtf8, type CommandRunner, type CommandRunOutcome, type CommandRunRequest } from '@portcullis/image-tests';
import { toKubeError } from '@portcullis/kube';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** Label on every Job and pod of an image test; the NetworkPolicy selects pods by it. */
export const IMAGE_TEST_POD_LABEL = 'portcullis.dev/image-test';
/** The NetworkPolicy that cuts test pods off every network, created once per namespace. */
export const DENY_ALL_POLICY = 'portcullis-image-tests-deny-all';
const CONTAINER = 'test';

export interface KubernetesJobRunnerOptions {
  readonly kubeConfig: KubeConfig;
  /** Sandbox namespace (must exist). */
  readonly namespace: string;
  readonly ttlSecondsAfterFinished: number;
  /** Added to the test timeout in activeDeadlineSeconds: scheduling and pulling count against the deadline. */
  readonly startupAllowanceMs: number;
  readonly pollMs: number;
  readonly memoryBytes: number;
  readonly cpuMillis: number;
  readonly tmpBytes: number;
  readonly imagePullSecret?: string;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Extra pod labels (tests use kwok's stage labels). */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** Waiting reasons after which the container will not start by itself. */
const HOPELESS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'InvalidImageName', 'RunContainerError']);
const PULLING = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull']);

/** `1000` or `1000:2000` → numeric ids for the pod security context; names cannot be set there. */
function numericUser(user: string | undefined): { runAsUser?: number; runAsGroup?: number } | 'name' | undefined {
  if (user === undefined) return undefined;
  const m = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!m) return 'name';
  return { runAsUser: Number(m[1]), ...(m[2] !== undefined ? { runAsGroup: Number(m[2]) } : {}) };
}

/**
 * Runs command tests as Kubernetes Jobs in a sandbox namespace: one Job per test (backoffLimit 0,
 * activeDeadlineSeconds, ttlSecondsAfterFinished), a restricted pod (non-root unless the test
 * allows root, read-only root file system, every capability dropped, RuntimeDefault seccomp, no
 * service account token, no service links, no env), the image by digest, and a NetworkPolicy
 * denying all ingress and egress of test pods. The outcome is read from the pod's terminated
 * container state and the Job's conditions (DeadlineExceeded = timed out); the output from the pod
 * log, where stdout and stderr are one stream (both fields carry it). The Job is deleted after.
 */
export class KubernetesJobCommandRunner implements CommandRunner {
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly networking: NetworkingV1Api;
  private policy: Promise<void> | undefined;

  constructor(private readonly options: KubernetesJobRunnerOptions) {
    this.batch = options.kubeConfig.makeApiClient(BatchV1Api);
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.networking = options.kubeConfig.makeApiClient(NetworkingV1Api);
  }

  async run(request: CommandRunRequest): Promise<CommandRunOutcome> {
    const { namespace } = this.options;
    const user = numericUser(request.user);
    if (user === 'name') return { notRun: 'Kubernetes runs a test only as a numeric user (`user: "1000"`), not by name' };
    try {
      await this.ensurePolicy();
    } catch (error) {
      this.policy = undefined;
      return { notRun: `the deny-all NetworkPolicy could not be ensured (${toKubeError(error, { verb: 'create', resource: 'networkpolicies.networking.k8s.io', namespace }).message})` };
    }
    const job = this.jobFor(request, user);
    const name = job.metadata!.name!;
    try {
      await this.batch.createNamespacedJob({ namespace, body: job });
    } catch (error) {
      return { notRun: `the test Job could not be created (${toKubeError(error, { verb: 'create', resource: 'jobs.batch', namespace }).message})` };
    }
    try {
      return await this.await(name, request.timeoutMs);
    } finally {
      await this.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' }).catch(() => undefined);
    }
  }

  /** The Job object for one test (exported shape is what the int test checks). */
  jobFor(request: CommandRunRequest, user: { runAsUser?: number; runAsGroup?: number } | undefined): V1Job {
    const o = this.options;
    const name = `image-test-${randomBytes(6).toString('hex')}`;
    const labels = { [IMAGE_TEST_POD_LABEL]: 'true', 'app.kubernetes.io/managed-by': 'portcullis' };
    const runAsNonRoot = !request.runAsRoot;
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: o.namespace, labels },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: Math.ceil((request.timeoutMs + o.startupAllowanceMs) / 1000),
        ttlSecondsAfterFinished: o.ttlSecondsAfterFinished,
        template: {
          metadata: { labels: { ...o.podLabels, ...labels } },
          spec: {
            restartPolicy: 'Never',
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            hostNetwork: false,
            hostPID: false,
            hostIPC: false,
            ...(o.nodeSelector && Object.keys(o.nodeSelector).length > 0 ? { nodeSelector: { ...o.nodeSelector } } : {}),
            ...(o.imagePullSecret ? { imagePullSecrets: [{ name: o.imagePullSecret }] } : {}),
            securityContext: { runAsNonRoot, ...user, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: CONTAINER,
                image: request.image,
                imagePullPolicy: 'IfNotPresent',
                command: [...request.argv],
                securityContext: {
                  runAsNonRoot,
                  privileged: false,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                resources: {
                  // No ephemeral-storage limit: the root is read-only and /tmp's emptyDir has its own sizeLimit.
                  limits: { memory: String(o.memoryBytes), cpu: `${o.cpuMillis}m` },
                  requests: { memory: String(o.memoryBytes), cpu: `${Math.min(o.cpuMillis, 100)}m` },
                },
                ...(o.tmpBytes > 0 ? { volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] } : {}),
              },
            ],
            ...(o.tmpBytes > 0 ? { volumes: [{ name: 'tmp', emptyDir: { sizeLimit: String(o.tmpBytes) } }] } : {}),
          },
        },
      },
    };
  }

  private ensurePolicy(): Promise<void> {
    const { namespace } = this.options;
    const policy: V1NetworkPolicy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: DENY_ALL_POLICY, namespace, labels: { 'app.kubernetes.io/managed-by': 'portcullis' } },
      // No rules with both policy types: nothing in, nothing out (DNS included).
      spec: { podSelector: { matchLabels: { [IMAGE_TEST_POD_LABEL]: 'true' } }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] },
    };
    this.policy ??= this.networking.createNamespacedNetworkPolicy({ namespace, body: policy }).then(
      () => undefined,
      (error: unknown) => {
        if (toKubeError(error, { verb: 'create', resource: 'networkpolicies.networking.k8s.io', namespace }).status === 409) return;
        throw error;
      },
    );
    return this.policy;
  }

  private async await(name: string, timeoutMs: number): Promise<CommandRunOutcome> {
    const { namespace, pollMs } = this.options;
    // The controller reports DeadlineExceeded itself; this bound only guards against one that never does.
    const giveUpAt = Date.now() + timeoutMs + this.options.startupAllowanceMs + 60_000;
    let lastWaiting: string | undefined;
    let started = false;
    while (Date.now() < giveUpAt) {
      const [job, pods] = await Promise.all([
        this.batch.readNamespacedJob({ name, namespace }),
        this.core.listNamespacedPod({ namespace, labelSelector: `job-name=${name}` }),
      ]);
      const pod: V1Pod | undefined = pods.items[0];
      const status = pod?.status?.containerStatuses?.find((c) => c.name === CONTAINER);
      const terminated = status?.state?.terminated;
      if (terminated) return { ...(await this.logs(pod!.metadata!.name!)), exitCode: terminated.exitCode, timedOut: false };
      if (status?.state?.running) started = true;
      const waiting = status?.state?.waiting?.reason;
      if (waiting) lastWaiting = waiting;
      if (waiting && HOPELESS.has(waiting)) return { notRun: `the test container did not start (${waiting})` };
      const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
      if (failed) {
        if (failed.reason === 'DeadlineExceeded') {
          if (started) return { exitCode: -1, stdout: '', stderr: '', timedOut: true };
          if (lastWaiting && PULLING.has(lastWaiting)) return { notRun: `the image could not be pulled before the deadline (${lastWaiting})` };
          return { notRun: `the test pod did not start before the deadline (${pod?.status?.phase ?? 'no pod'})` };
        }
        return { notRun: `the test Job failed without a container exit (${failed.reason ?? 'unknown reason'})` };
      }
      await sleep(pollMs);
    }
    return { notRun: 'the Job reported no outcome in time' };
  }

  private async logs(pod: string): Promise<{ stdout: string; stderr: string; truncated?: boolean; outputUnavailable?: string }> {
    try {
      const text = await this.core.readNamespacedPodLog({ name: pod, namespace: this.options.namespace, container: CONTAINER, limitBytes: MAX_OUTPUT_BYTES + 1 });
      const { text: bounded, truncated } = truncateUtf8(text, MAX_OUTPUT_BYTES);
      return { stdout: bounded, stderr: bounded, ...(truncated ? { truncated } : {}) };
    } catch (error) {
      const status = toKubeError(error, { verb: 'get', resource: 'pods/log', namespace: this.options.namespace, name: pod }).status;
      return { stdout: '', stderr: '', outputUnavailable: `the pod log could not be read${status ? ` (HTTP ${status})` : ''}` };
    }
  }
}
