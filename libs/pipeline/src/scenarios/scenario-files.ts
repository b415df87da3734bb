import { type ScenarioKind, type ScenarioParams, SCENARIO_REPOSITORIES } from './scenario.model.js';
import { plantedGitHubToken, plantedPassword } from './planted-secrets.js';

/** The files of one release commit (path → content), and the secret values planted in them. */
export interface ScenarioFiles {
  /**
   * The whole tree of the release commit. For the second release of `failing-rollout`, writing
   * these over the first release's work tree gives exactly that commit (no file is removed).
   */
  readonly files: Readonly<Record<string, string>>;
  /**
   * Raw secret values written into `files` (empty for kinds without a leak), so a test can check
   * that none of them shows up in Kafka, Redis, logs or Slack. Never print them.
   */
  readonly planted: readonly string[];
}

/** The pipeline file the services read at the release commit. */
export const PIPELINE_FILE = '.portcullis.yaml';
/** `deploy.manifests.path`: the directory the orchestrator applies. */
export const MANIFESTS_DIR = 'deploy';
/** The tag the manifests name; the orchestrator pins it to the scanned digest. */
export const IMAGE_TAG = 'main';
/** The pod-template label that makes kwok keep the pods running but never ready (tools/stack/k8s/README.md). */
export const KWOK_NEVER_READY_LABEL = 'portcullis.dev/kwok-never-ready';

/** The resolved names of a scenario: repository, app, image repository (`registry/owner/name`) and environment. */
export interface ScenarioNames {
  readonly owner: string;
  readonly name: string;
  readonly registry: string;
  /** `owner/name`: the repository path in the registry. */
  readonly imageRepository: string;
  readonly namespace: string;
  readonly environment: string;
  readonly progressDeadlineSeconds: number;
}

export function scenarioNames(kind: ScenarioKind, params: ScenarioParams): ScenarioNames {
  const name = params.name ?? SCENARIO_REPOSITORIES[kind];
  return {
    owner: params.owner,
    name,
    registry: params.registry,
    imageRepository: `${params.owner}/${name}`,
    namespace: params.namespace,
    environment: params.environment ?? 'staging',
    progressDeadlineSeconds: params.progressDeadlineSeconds ?? 8,
  };
}

/**
 * The repository files of a scenario's release commit. `failing-rollout` gives the **second**
 * release (the one whose pods never become ready); its first, good release is
 * `scenarioFiles('clean', sameParams)`, pushed and deployed (`succeeded`) before it — see
 * `scenarioReleases`. Secret values are generated on every call.
 */
export function scenarioFiles(kind: ScenarioKind, params: ScenarioParams): ScenarioFiles {
  const names = scenarioNames(kind, params);
  const files: Record<string, string> = {
    [PIPELINE_FILE]: pipelineFile(names, params.notifyChannel),
    'README.md': readme(names.name),
    'src/server.ts': serverSource(kind === 'failing-rollout' ? 'v2' : 'v1'),
    [`${MANIFESTS_DIR}/deployment.yaml`]: deployment(names, { neverReady: kind === 'failing-rollout' }),
  };
  const planted: string[] = [];
  if (kind === 'leaked-token') {
    const token = plantedGitHubToken();
    planted.push(token);
    // The token on line 2, as a developer would leave it (tools/demo.d/sample-repository.mjs).
    files['src/github.ts'] = `// TODO move to the vault\nexport const githubToken = '${token}';\n`;
  }
  if (kind === 'plaintext-secret') {
    const password = plantedPassword();
    planted.push(password);
    files[`${MANIFESTS_DIR}/db-secret.yaml`] = dbSecret(names.name, password);
  }
  return { files, planted };
}

function pipelineFile(names: ScenarioNames, notifyChannel: string | undefined): string {
  // High and above block: github-pat is critical, k8s-plain-secret high, the minimist advisory critical.
  return pipelineFileYaml({
    comment: ['Portcullis pipeline file: read by the secret auditor (secrets:), the image scanner (images:)', 'and the deploy orchestrator (deploy:) at this commit.'],
    app: names.name,
    images: [`${names.registry}/${names.imageRepository}`],
    environment: names.environment,
    namespace: names.namespace,
    progressDeadlineSeconds: names.progressDeadlineSeconds,
    ...(notifyChannel === undefined ? {} : { notifyChannel }),
  });
}

function deployment(names: ScenarioNames, options: { neverReady: boolean }): string {
  return deploymentYaml({ name: names.name, image: `${names.registry}/${names.imageRepository}:${IMAGE_TAG}`, replicas: 2, neverReady: options.neverReady });
}

/** What differs between the pipeline files of the scenarios and of the load generator. */
export interface PipelineFileSpec {
  /** Comment lines at the top (without `#`). */
  readonly comment: readonly string[];
  readonly app: string;
  /** `deploy.images`; empty: the repository ships no image. */
  readonly images: readonly string[];
  readonly environment: string;
  readonly namespace: string;
  readonly progressDeadlineSeconds: number;
  /** `approval:` of the environment; absent: the key is left out (no approval needed). */
  readonly approval?: boolean;
  readonly notifyChannel?: string;
}

/**
 * A `.portcullis.yaml` with `secrets:` and `images:` failing on high and above (fixable only) and
 * one rolling environment applying the manifests under `deploy/`.
 */
export function pipelineFileYaml(spec: PipelineFileSpec): string {
  const lines = [
    ...spec.comment.map((c) => `# ${c}`),
    'secrets:',
    '  failOn: high',
    'images:',
    '  failOn: high',
    '  fixableOnly: true',
    'deploy:',
    `  app: ${spec.app}`,
    ...(spec.images.length > 0 ? ['  images:', ...spec.images.map((i) => `    - ${i}`)] : []),
    '  manifests:',
    `    path: ${MANIFESTS_DIR}`,
    '  environments:',
    `    - name: ${spec.environment}`,
    `      namespace: ${spec.namespace}`,
    '      strategy: rolling',
    ...(spec.approval === undefined ? [] : [`      approval: ${spec.approval}`]),
    `      progressDeadlineSeconds: ${spec.progressDeadlineSeconds}`,
  ];
  if (spec.notifyChannel !== undefined) lines.push('notify:', `  channel: ${JSON.stringify(spec.notifyChannel)}`);
  return `${lines.join('\n')}\n`;
}

/** What differs between the Deployments of the scenarios and of the load generator. */
export interface DeploymentSpec {
  readonly name: string;
  /** The image by tag; the orchestrator pins it to the scanned digest. */
  readonly image: string;
  readonly replicas: number;
  /** Pods labelled so kwok keeps them running but never ready (a rollout that fails). */
  readonly neverReady?: boolean;
  /** Default 200m / 128Mi. */
  readonly limits?: { readonly cpu: string; readonly memory: string };
}

/** A Deployment that passes the default (strict) manifest policy once its image is pinned. */
export function deploymentYaml(spec: DeploymentSpec): string {
  const { name } = spec;
  const limits = spec.limits ?? { cpu: '200m', memory: '128Mi' };
  const labels = [`        app: ${name}`, ...(spec.neverReady ? [`        ${KWOK_NEVER_READY_LABEL}: "true"`] : [])];
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    '  labels:',
    `    app: ${name}`,
    'spec:',
    `  replicas: ${spec.replicas}`,
    '  selector:',
    '    matchLabels:',
    `      app: ${name}`,
    '  template:',
    '    metadata:',
    '      labels:',
    ...labels,
    '    spec:',
    '      securityContext:',
    '        runAsNonRoot: true',
    '        runAsUser: 10001',
    '      containers:',
    `        - name: ${name}`,
    `          image: ${spec.image}`,
    '          ports:',
    '            - containerPort: 8080',
    '          resources:',
    '            limits:',
    `              cpu: ${limits.cpu}`,
    `              memory: ${limits.memory}`,
    '          securityContext:',
    '            allowPrivilegeEscalation: false',
    '',
  ].join('\n');
}

/** The password is on line 7, where `k8s-plain-secret` reports it. */
function dbSecret(app: string, password: string): string {
  return ['apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${app}-db`, 'type: Opaque', 'stringData:', `  password: ${password}`, ''].join('\n');
}

function readme(name: string): string {
  return `# ${name}\n\nA sample service deployed through Portcullis. The pipeline file is \`${PIPELINE_FILE}\`; the manifests are in \`${MANIFESTS_DIR}/\`.\n`;
}

function serverSource(version: string): string {
  return [
    "import { createServer } from 'node:http';",
    '',
    "const port = Number(process.env['PORT'] ?? 8080);",
    '',
    'createServer((_request, response) => {',
    "  response.writeHead(200, { 'content-type': 'application/json' });",
    `  response.end(JSON.stringify({ status: 'ok', version: '${version}' }));`,
    '}).listen(port);',
    '',
  ].join('\n');
}
