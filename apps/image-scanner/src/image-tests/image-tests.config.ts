import { defineConfig, envVar, type InferConfig } from '@portcullis/config';

/**
 * Variables of the image tests (`.portcullis.yaml` `imageTests:`), nested in `imageScannerConfig`
 * as `imageTests`. The runner runs each command test in a throw-away container with no network, no
 * privileges, no credentials and no env of ours; without a runner command tests are reported as
 * not run (the gate is then `incomplete`, never `passed`).
 */
export const imageTestsShape = {
  runner: envVar.enum('IMAGE_TESTS_RUNNER', ['none', 'docker', 'kubernetes'] as const, {
    default: 'none',
    description:
      'Where command tests run: `docker` (a Docker or Podman engine through the Docker API, IMAGE_TESTS_DOCKER_HOST), `kubernetes` (a Job per test in IMAGE_TESTS_NAMESPACE), or `none` (command tests are reported as not run).',
  }),
  docker: {
    host: envVar.string('IMAGE_TESTS_DOCKER_HOST', {
      default: 'unix:///var/run/docker.sock',
      pattern: /^(unix:\/\/\/.+|tcp:\/\/[^/\s]+|https?:\/\/[^/\s]+)$/,
      description:
        'Docker API endpoint of the engine that runs command tests, as in DOCKER_HOST: `unix:///var/run/docker.sock`, Podman’s `unix:///run/podman/podman.sock`, or `tcp://host:2375`. Must not be an engine that runs anything else you care about: tests pull and run images from pushes.',
    }),
    insecureRegistries: envVar.list('IMAGE_TESTS_INSECURE_REGISTRIES', {
      default: '',
      description:
        'Registries (`host:port`) pulled over plain HTTP or without TLS verification. Podman gets `tlsVerify=false` on the pull; a Docker daemon must list them in its own `insecure-registries` (loopback registries are insecure for Docker by default).',
    }),
    pullTimeoutMs: envVar.duration('IMAGE_TESTS_PULL_TIMEOUT', {
      default: '5m',
      description: 'Budget of pulling the image into the engine; a slower pull reports the command tests as not run.',
    }),
  },
  kubernetes: {
    kubeconfig: envVar.string('IMAGE_TESTS_KUBECONFIG', {
      default: '',
      description: 'Kubeconfig of the cluster that runs test Jobs; empty = the in-cluster service account (or the default kubeconfig).',
    }),
    namespace: envVar.string('IMAGE_TESTS_NAMESPACE', {
      default: 'portcullis-image-tests',
      pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
      description:
        'Sandbox namespace of test Jobs; it must exist, and the scanner needs create/get/list/delete on jobs, get/list/patch on pods and pods/log, and create/get on networkpolicies there. A NetworkPolicy denying all traffic of test pods is created in it once.',
    }),
    jobTtlMs: envVar.duration('IMAGE_TESTS_JOB_TTL', {
      default: '10m',
      description: 'ttlSecondsAfterFinished of test Jobs: how long a finished Job is kept if the scanner could not delete it itself.',
    }),
    startupAllowanceMs: envVar.duration('IMAGE_TESTS_STARTUP_ALLOWANCE', {
      default: '60s',
      description: 'Added to a test’s timeout in the Job’s activeDeadlineSeconds, for scheduling and the image pull (the deadline counts from the Job start).',
    }),
    pollMs: envVar.duration('IMAGE_TESTS_POLL', { default: '1s', description: 'How often the Job and its pod are read while a test runs.' }),
    imagePullSecret: envVar.string('IMAGE_TESTS_IMAGE_PULL_SECRET', {
      default: '',
      description: 'Name of a docker-registry Secret in IMAGE_TESTS_NAMESPACE used to pull test images; empty = none (the node’s own credentials).',
    }),
    nodeSelector: envVar.list('IMAGE_TESTS_NODE_SELECTOR', {
      default: '',
      description: 'Node labels (`key=value`, comma-separated) test pods must run on, e.g. a sandbox node pool; empty = any node.',
    }),
  },
  limits: {
    memoryBytes: envVar.int('IMAGE_TESTS_MEMORY_BYTES', {
      default: String(256 * 1024 * 1024),
      min: 16 * 1024 * 1024,
      description: 'Memory limit of a test container (no swap beyond it).',
    }),
    cpuMillis: envVar.int('IMAGE_TESTS_CPU_MILLIS', { default: '500', min: 50, max: 16_000, description: 'CPU limit of a test container, in millicores.' }),
    pids: envVar.int('IMAGE_TESTS_PIDS_LIMIT', { default: '128', min: 8, max: 32_768, description: 'Process limit of a test container (Docker API runner; on Kubernetes the kubelet’s pod pids limit applies).' }),
    tmpBytes: envVar.int('IMAGE_TESTS_TMP_BYTES', {
      default: String(16 * 1024 * 1024),
      min: 0,
      description: 'Size of the writable, non-executable `/tmp` a test container gets on its otherwise read-only root file system; 0 = none.',
    }),
  },
};
export const imageTestsConfig = defineConfig(imageTestsShape);
export type ImageTestsConfig = InferConfig<typeof imageTestsConfig>;
