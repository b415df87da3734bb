import { readTreeAt } from '@portcullis/git';
import { checkManifestPolicy, KustomizeRenderer, ManifestError, parseManifests, pinImages } from '@portcullis/manifests';
import { type ManifestGate, type KubeObject } from '../release/reconcile.ports.js';
import { type GitReleaseFiles } from './git-release.files.js';

/** Kinds without a namespace: platform territory, never applied by a repository's release. */
const CLUSTER_SCOPED = new Set([
  'APIService',
  'CSIDriver',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
]);

/**
 * The manifests of a release, as they would be applied: read from the commit (plain YAML, or a
 * kustomization rendered offline), placed in the environment's namespace, images pinned to the
 * scanned digests, then judged by the repository's manifest policy. Problems a pusher caused
 * (bad YAML, a remote kustomize base, a cluster-scoped object) are `invalid`, never thrown.
 */
export class GitManifestGate implements ManifestGate {
  constructor(
    private readonly files: GitReleaseFiles,
    private readonly kustomize: KustomizeRenderer,
  ) {}

  async prepare(input: Parameters<ManifestGate['prepare']>[0]): ReturnType<ManifestGate['prepare']> {
    const { repository, sha, deploy, env, images } = input;
    const path = deploy.manifests.path;
    const tree = await this.files.withCommit(repository, sha, (mirror) => readTreeAt(mirror, sha, path));
    if (tree.status === 'missing') return { kind: 'invalid', problems: [`${path}: not found at ${sha.slice(0, 12)}`] };
    if (tree.status === 'too-large') return { kind: 'invalid', problems: [`${path}: over the ${tree.limit} limit${tree.path ? ` (${tree.path})` : ''}`] };

    let sources: ReadonlyMap<string, string> = tree.files;
    if (tree.kind === 'directory' && KustomizeRenderer.isKustomization(tree.files)) {
      try {
        sources = new Map([['kustomize-build.yaml', await this.kustomize.render(tree.files)]]);
      } catch (error) {
        if (error instanceof ManifestError && error.disposition === 'permanent') return { kind: 'invalid', problems: [error.message] };
        throw error;
      }
    }
    const parsed = parseManifests(sources);
    const problems = parsed.problems.map((p) => `${p.file}#${p.document}: ${p.message}`);
    if (parsed.objects.length === 0 && problems.length === 0) problems.push(`${path}: no Kubernetes objects`);
    const placed: KubeObject[] = [];
    for (const object of parsed.objects) {
      const name = `${object.kind}/${object.metadata.name}`;
      if (CLUSTER_SCOPED.has(object.kind)) problems.push(`${name}: cluster-scoped objects are not deployed by releases`);
      else if (object.metadata.namespace !== undefined && object.metadata.namespace !== env.namespace) {
        problems.push(`${name}: namespace ${object.metadata.namespace} is not the environment's (${env.namespace})`);
      } else placed.push({ ...object, metadata: { ...object.metadata, namespace: env.namespace } });
    }
    if (problems.length > 0) return { kind: 'invalid', problems };

    const pinned = pinImages(placed, images);
    const violations = checkManifestPolicy(pinned.objects, deploy.policy, { defaultNamespace: env.namespace });
    if (violations.length > 0) return { kind: 'violations', violations };
    return { kind: 'ready', objects: pinned.objects };
  }
}
