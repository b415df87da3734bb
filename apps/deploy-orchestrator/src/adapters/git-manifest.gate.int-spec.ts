import { type ImageReference, type RepositoryRef } from '@portcullis/contracts';
import { GitMirrorCache } from '@portcullis/git';
import { KustomizeRenderer } from '@portcullis/manifests';
import { createRemoteRepo, gitServerEnv, REPO_ROOT, testHost, uniqueOwner, WorkTree } from '@portcullis/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeploySection, resolveDeployConfig } from '../release/deploy-config.schema.js';
import { type KubeObject } from '../release/reconcile.ports.js';
import { GitManifestGate } from './git-manifest.gate.js';
import { GitReleaseFiles } from './git-release.files.js';

/*
 * GitManifestGate on the stack's git server and the real kustomize binary: what a release would
 * apply, read at its commit, placed in the environment namespace, pinned and judged by the policy.
 */

const NAMESPACE = 'shop-staging';
const IMAGE_REPO = 'registry.example.com/acme/shop-api';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const SIDECAR = `mirror.example.com/tools/envoy@sha256:${'e'.repeat(64)}`;
const image: ImageReference = { registry: 'registry.example.com', repository: 'acme/shop-api', tag: '1.0', digest: DIGEST };

/** A Deployment the default (strict) policy accepts once its image is pinned. */
function deploymentYaml(name: string, extra: { hostPath?: boolean; namespace?: string } = {}): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    ...(extra.namespace ? [`  namespace: ${extra.namespace}`] : []),
    'spec:',
    `  selector: {matchLabels: {app: ${name}}}`,
    '  template:',
    `    metadata: {labels: {app: ${name}}}`,
    '    spec:',
    '      securityContext: {runAsNonRoot: true, runAsUser: 10001}',
    '      containers:',
    '        - name: app',
    `          image: ${IMAGE_REPO}:1.0`,
    '          resources: {limits: {cpu: 200m, memory: 128Mi}}',
    '          securityContext: {allowPrivilegeEscalation: false}',
    '        - name: proxy',
    `          image: ${SIDECAR}`,
    '          resources: {limits: {cpu: 100m, memory: 64Mi}}',
    '          securityContext: {allowPrivilegeEscalation: false}',
    ...(extra.hostPath ? ['      volumes:', '        - name: host', '          hostPath: {path: /var/run}'] : []),
    '',
  ].join('\n');
}

const serviceYaml = (name: string, type = 'ClusterIP') => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  type: ${type}\n  selector: {app: ${name}}\n  ports: [{port: 80}]\n`;
const ingressYaml = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  rules:\n    - host: shop.example.com\n      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}\n';

function deployWith(path: string): DeploySection {
  const resolved = resolveDeployConfig({ app: 'shop', images: [IMAGE_REPO], manifests: { path }, environments: [{ name: 'staging', namespace: NAMESPACE }] });
  if (resolved.kind !== 'valid') throw new Error(`test config is invalid: ${JSON.stringify(resolved)}`);
  return resolved.deploy;
}

const containers = (object: KubeObject | undefined) =>
  ((object?.['spec'] as { template: { spec: { containers: { name: string; image: string }[] } } } | undefined)?.template.spec.containers ?? []).map((c) => `${c.name}=${c.image}`);

describe('GitManifestGate against the stack git server and kustomize', () => {
  const server = gitServerEnv();
  const owner = uniqueOwner('manifest-gate');
  const repository: RepositoryRef = { provider: 'gitea', owner, name: 'shop' };
  const dirs: string[] = [];
  let work: WorkTree;
  let first: string;
  let second: string;
  let sut: GitManifestGate;
  /** The same gate with a kustomize binary that does not exist: running it would throw (retryable), not answer. */
  let neverRenders: GitManifestGate;
  let kustomizeWorkDir: string;

  const prepare = (gate: GitManifestGate, path: string, sha = first) => gate.prepare({ repository, sha, deploy: deployWith(path), env: deployWith(path).environments[0]!, images: [image] });

  beforeAll(async () => {
    const binary = execFileSync(join(REPO_ROOT, 'tools/kustomize/build.sh'), ['--print-bin'], { encoding: 'utf8', timeout: 600_000 }).trim();
    createRemoteRepo(server, owner, 'shop');
    work = new WorkTree(server, owner, 'shop');
    work
      .write('plain/app.yaml', `${deploymentYaml('web')}---\n${serviceYaml('web')}`)
      .write('plain/nested/config.yml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\ndata: {LOG_LEVEL: info}\n')
      .write('plain/README.md', '# not a manifest\n')
      .write('kustomized/kustomization.yaml', 'resources:\n  - deployment.yaml\n  - service.yaml\nnamePrefix: prod-\ncommonLabels:\n  team: shop\n')
      .write('kustomized/deployment.yaml', deploymentYaml('web'))
      .write('kustomized/service.yaml', serviceYaml('web'))
      .write('remote/kustomization.yaml', 'resources:\n  - deployment.yaml\n  - https://github.com/acme/deploy//base?ref=v1\n')
      .write('remote/deployment.yaml', deploymentYaml('web'))
      .write('violations/kustomization.yaml', 'resources: [deployment.yaml, service.yaml, ingress.yaml]\nnamePrefix: bad-\n')
      .write('violations/deployment.yaml', deploymentYaml('web', { hostPath: true }))
      .write('violations/service.yaml', serviceYaml('web', 'NodePort'))
      .write('violations/ingress.yaml', ingressYaml)
      .write('foreign/app.yaml', `${deploymentYaml('web', { namespace: NAMESPACE })}---\n${deploymentYaml('other', { namespace: 'kube-system' })}`)
      .write('foreign/rbac.yaml', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: shop-admin}\nrules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]\n');
    first = work.commit('manifests');
    work.write('later/app.yaml', deploymentYaml('web'));
    second = work.commit('later manifests');
    work.push('main');

    const directory = mkdtempSync(join(tmpdir(), 'deploy-gate-int-'));
    kustomizeWorkDir = mkdtempSync(join(tmpdir(), 'deploy-gate-kustomize-'));
    dirs.push(directory, kustomizeWorkDir);
    const files = new GitReleaseFiles(await GitMirrorCache.open({ directory, maxBytes: 64 * 1024 * 1024 }), { gitea: testHost(server) });
    sut = new GitManifestGate(files, new KustomizeRenderer({ binary, workDir: kustomizeWorkDir }));
    neverRenders = new GitManifestGate(files, new KustomizeRenderer({ binary: join(kustomizeWorkDir, 'no-such-kustomize'), workDir: kustomizeWorkDir }));
  }, 600_000);

  afterAll(() => {
    work?.remove();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('places plain YAML (recursively) in the environment namespace and pins only the declared image', async () => {
    const outcome = await prepare(sut, 'plain');

    expect(outcome.kind).toBe('ready');
    const objects = outcome.kind === 'ready' ? outcome.objects : [];
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([`ConfigMap/${NAMESPACE}/web-config`, `Deployment/${NAMESPACE}/web`, `Service/${NAMESPACE}/web`]);
    expect(containers(objects.find((o) => o.kind === 'Deployment'))).toEqual([`app=${IMAGE_REPO}@${DIGEST}`, `proxy=${SIDECAR}`]);
    expect(objects.find((o) => o.kind === 'Service')?.['spec']).toEqual({ type: 'ClusterIP', selector: { app: 'web' }, ports: [{ port: 80 }] });
  });

  it('renders a kustomization (namePrefix, commonLabels), then places and pins what it produced', async () => {
    const outcome = await prepare(sut, 'kustomized');

    expect(outcome.kind).toBe('ready');
    const objects = outcome.kind === 'ready' ? outcome.objects : [];
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([`Deployment/${NAMESPACE}/prod-web`, `Service/${NAMESPACE}/prod-web`]);
    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(deployment?.metadata.labels).toMatchObject({ team: 'shop' });
    expect(deployment?.['spec']).toMatchObject({ selector: { matchLabels: { app: 'web', team: 'shop' } } });
    expect(containers(deployment)).toEqual([`app=${IMAGE_REPO}@${DIGEST}`, `proxy=${SIDECAR}`]);
    expect(readdirSync(kustomizeWorkDir)).toEqual([]);
  });

  it('refuses a kustomization with a remote resource as invalid, naming it, without running kustomize', async () => {
    const outcome = await prepare(neverRenders, 'remote');

    expect(outcome).toEqual({ kind: 'invalid', problems: [expect.stringContaining('https://github.com/acme/deploy//base?ref=v1')] });
    expect(outcome.kind === 'invalid' && outcome.problems[0]).toMatch(/remote/);
    // The same gate does reach the (missing) binary for a local kustomization: the refusal above came first.
    await expect(prepare(neverRenders, 'kustomized')).rejects.toMatchObject({ code: 'KUSTOMIZE_UNAVAILABLE' });
  });

  it('reports each policy violation of the rendered output with rule, Kind/namespace/name and field', async () => {
    const outcome = await prepare(sut, 'violations');

    expect(outcome.kind).toBe('violations');
    const found = outcome.kind === 'violations' ? outcome.violations.map(({ rule, object, field }) => ({ rule, object, field })) : [];
    expect(found).toEqual(
      expect.arrayContaining([
        { rule: 'hostPath', object: `Deployment/${NAMESPACE}/bad-web`, field: 'spec.template.spec.volumes[0].hostPath' },
        { rule: 'nodePort', object: `Service/${NAMESPACE}/bad-web`, field: 'spec.type' },
        { rule: 'ingressWithoutTls', object: `Ingress/${NAMESPACE}/bad-web`, field: 'spec.tls' },
      ]),
    );
    expect(found).toHaveLength(3);
  });

  it('refuses objects naming another namespace and cluster-scoped objects as invalid', async () => {
    const outcome = await prepare(sut, 'foreign');

    expect(outcome.kind).toBe('invalid');
    const problems = outcome.kind === 'invalid' ? outcome.problems : [];
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^Deployment\/other: namespace kube-system/), expect.stringMatching(/^ClusterRole\/shop-admin: cluster-scoped/)]));
  });

  it('reads the manifests at the release commit: a path added later is missing at the earlier commit', async () => {
    expect(await prepare(sut, 'later', first)).toEqual({ kind: 'invalid', problems: [`later: not found at ${first.slice(0, 12)}`] });
    expect((await prepare(sut, 'later', second)).kind).toBe('ready');
  });
});
