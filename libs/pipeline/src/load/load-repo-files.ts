import { deploymentYaml, IMAGE_TAG, MANIFESTS_DIR, PIPELINE_FILE, pipelineFileYaml } from '../scenarios/scenario-files.js';
import { plantedGitHubToken } from '../scenarios/planted-secrets.js';
import { type LoadRepo } from './load-plan.js';

/** Where the load's repositories live: owner on the git server, registry `host:port`, target namespace. */
export interface LoadTarget {
  readonly owner: string;
  readonly registry: string;
  readonly namespace: string;
}

/** The two commits of a load repository: the base (created before the run) and the release (pushed during it). */
export interface LoadRepoFiles {
  /** The whole tree of the base commit. */
  readonly base: Readonly<Record<string, string>>;
  /** Files the release commit writes on top of the base (a small change, plus the planted secret). */
  readonly release: Readonly<Record<string, string>>;
  /** Raw secret values in the release commit; never print them. */
  readonly planted: readonly string[];
}

export const LOAD_ENVIRONMENT = 'staging';
/** The path and line of the planted token, as the audit must report them. */
export const PLANTED_PATH = 'src/github.ts';
export const PLANTED_LINE = 2;

/**
 * Files of a load repository. Every repository has a pipeline file with an environment, so every
 * release is gated: a deploying one is applied at once (replicas 1), the others wait for an
 * approval nobody gives (`approval: true`), which is as far as a gate decision goes without pods.
 */
export function loadRepoFiles(repo: LoadRepo, target: LoadTarget): LoadRepoFiles {
  const image = `${target.registry}/${target.owner}/${repo.name}`;
  const pipeline = pipelineFileYaml({
    comment: ['Portcullis pipeline file (tools/loadgen)'],
    app: repo.name,
    images: repo.image ? [image] : [],
    environment: LOAD_ENVIRONMENT,
    namespace: target.namespace,
    approval: !repo.deploy,
    progressDeadlineSeconds: 60,
  });
  const base: Record<string, string> = {
    [PIPELINE_FILE]: pipeline,
    'README.md': `# ${repo.name}\n\nA repository of the Portcullis load generator.\n`,
    'src/version.ts': "export const version = 'base';\n",
    'src/server.ts': "import { createServer } from 'node:http';\n\ncreateServer((_q, r) => r.end('ok')).listen(8080);\n",
    // One replica, for the kwok node's pod budget.
    [`${MANIFESTS_DIR}/deployment.yaml`]: deploymentYaml({ name: repo.name, image: `${image}:${IMAGE_TAG}`, replicas: 1, limits: { cpu: '100m', memory: '64Mi' } }),
  };
  const release: Record<string, string> = { 'src/version.ts': `export const version = 'release-${repo.index}';\n` };
  const planted: string[] = [];
  if (repo.finding) {
    const token = plantedGitHubToken();
    planted.push(token);
    release[PLANTED_PATH] = `// TODO move to the vault\nexport const githubToken = '${token}';\n`;
  }
  return { base, release, planted };
}

