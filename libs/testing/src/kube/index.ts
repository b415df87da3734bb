import { randomBytes } from 'node:crypto';
import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
  type V1PolicyRule,
  type V1RoleRef,
  type RbacV1Subject,
} from '@kubernetes/client-node';
import { expectEventually } from '../eventually.js';

/** Where the local Kubernetes control plane is, as `tools/stack/stack up` writes it to `.stack/env`. */
export interface KubeStackEnv {
  /** Absolute path of the admin kubeconfig (client certificate in `system:masters`). */
  kubeconfigPath: string;
}

/** Label on every namespace made by {@link createTestNamespace}; the int setup deletes stale ones. */
export const TEST_NAMESPACE_LABEL = 'portcullis.dev/test';
/** Annotation with the ISO creation time of a test namespace (for humans; cleanup uses metadata.creationTimestamp). */
export const TEST_NAMESPACE_CREATED_ANNOTATION = 'portcullis.dev/created-at';
/** Field manager of the objects these helpers apply. */
const FIELD_MANAGER = 'portcullis-testing';

/**
 * Reads the control plane's kubeconfig path from `KUBECONFIG`. Without a stack this fails with
 * instructions; an integration test never skips.
 */
export function kubeStackEnv(env: Record<string, string | undefined> = process.env): KubeStackEnv {
  const kubeconfigPath = env['KUBECONFIG'];
  if (!kubeconfigPath) {
    throw new Error(
      'KUBECONFIG not set: Kubernetes integration tests need the local control plane. ' +
        'Run `tools/stack/stack up` and `set -a; . .stack/env; set +a`, or use `tools/test-all`.',
    );
  }
  return { kubeconfigPath };
}

/** A KubeConfig for the stack's admin user (may do anything; use it to set up and observe). */
export function adminKubeConfig(env: Record<string, string | undefined> = process.env): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeStackEnv(env).kubeconfigPath);
  return kc;
}

/** A namespace of one test; `delete()` removes it with everything in it (not waiting for that). */
export interface TestNamespace {
  name: string;
  delete(): Promise<void>;
}

/**
 * Creates a namespace `<prefix>-<base36 time><hex>` labelled `portcullis.dev/test=true`, so that test
 * files sharing one control plane never see each other's objects and `vitest.int-global-setup.ts`
 * can delete what crashed runs left behind.
 */
export async function createTestNamespace(kc: KubeConfig, prefix: string): Promise<TestNamespace> {
  const base = prefix.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 't';
  return createNamespace(kc, `${base}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`, {
    labels: { [TEST_NAMESPACE_LABEL]: 'true' },
    annotations: { [TEST_NAMESPACE_CREATED_ANNOTATION]: new Date().toISOString() },
  });
}

/** Creates a namespace with the given labels (one that must outlive a test, such as the demo's); `delete()` removes it. */
export async function createNamespace(
  kc: KubeConfig,
  name: string,
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): Promise<TestNamespace> {
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name, ...metadata } } });
  return {
    name,
    delete: async () => {
      try {
        await core.deleteNamespace({ name });
      } catch (error) {
        if (kubeStatusOf(error) !== 404) throw error;
      }
    },
  };
}

/**
 * Deletes the test namespaces (label `portcullis.dev/test=true`) created more than `maxAgeMs` ago;
 * returns their names. Housekeeping for a long-lived local control plane.
 */
export async function deleteStaleTestNamespaces(kc: KubeConfig, maxAgeMs: number, now = Date.now()): Promise<string[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const list = await core.listNamespace({ labelSelector: `${TEST_NAMESPACE_LABEL}=true` });
  const stale = list.items.filter((ns) => {
    const created = ns.metadata?.creationTimestamp;
    return ns.status?.phase !== 'Terminating' && created !== undefined && now - new Date(created).getTime() > maxAgeMs;
  });
  const names = stale.map((ns) => ns.metadata!.name!);
  for (const name of names) {
    try {
      await core.deleteNamespace({ name });
    } catch (error) {
      if (kubeStatusOf(error) !== 404) throw error;
    }
  }
  return names;
}

/** What {@link serviceAccountKubeConfig} creates. */
export interface ServiceAccountKubeConfigOptions {
  /** Namespace of the ServiceAccount, and of every namespaced manifest. */
  namespace: string;
  /** Name of the ServiceAccount to create. */
  serviceAccount: string;
  /**
   * Role, RoleBinding, ClusterRole and ClusterRoleBinding objects (e.g. parsed from
   * `deploy/rbac/*.yaml`). Namespaced ones are put into `namespace`; cluster-scoped ones get the
   * suffix `-<namespace>` (and the references to them are renamed), so that tests never share them,
   * and are owned by the namespace, so deleting it removes them. Every ServiceAccount subject is
   * replaced by the created ServiceAccount.
   */
  manifests: KubernetesObject[];
  /** Lifetime of the token (the apiserver's minimum is 600). Default 3600. */
  tokenExpirationSeconds?: number;
}

/**
 * Creates a ServiceAccount bound to the given RBAC manifests and returns a KubeConfig that
 * authenticates as it with a bearer token from the TokenRequest API, against the same server and
 * CA as `adminKc`. Resolves once the token authenticates and each bound rule (its first verb and
 * resource) is authorized, so a test's first request does not race the RBAC caches.
 */
export async function serviceAccountKubeConfig(adminKc: KubeConfig, options: ServiceAccountKubeConfigOptions): Promise<KubeConfig> {
  const { namespace, serviceAccount } = options;
  const core = adminKc.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(adminKc);
  const ns = await core.readNamespace({ name: namespace });
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: serviceAccount, namespace } } });

  const owner = { apiVersion: 'v1', kind: 'Namespace', name: namespace, uid: ns.metadata!.uid! };
  const prepared = options.manifests.map((manifest) => prepareRbacObject(manifest, namespace, serviceAccount, owner));
  for (const object of prepared) {
    await objects.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }

  const tokenRequest = await core.createNamespacedServiceAccountToken({
    name: serviceAccount,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: options.tokenExpirationSeconds ?? 3600 } },
  });
  const token = tokenRequest.status?.token;
  if (!token) throw new Error(`TokenRequest for ${namespace}/${serviceAccount} returned no token`);

  const cluster = adminKc.getCurrentCluster();
  if (!cluster) throw new Error('the admin KubeConfig has no current cluster');
  const user = `system:serviceaccount:${namespace}:${serviceAccount}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ ...cluster }],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: cluster.name, user, namespace }],
    currentContext: user,
  });

  const review = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
  const seen = review.status?.userInfo?.username;
  if (seen !== user) throw new Error(`the ServiceAccount token authenticates as ${seen ?? 'nobody'}, expected ${user}`);
  await waitForRbac(kc, prepared, namespace);
  return kc;
}

function prepareRbacObject(
  manifest: KubernetesObject,
  namespace: string,
  serviceAccount: string,
  owner: { apiVersion: string; kind: string; name: string; uid: string },
): KubernetesObject {
  const object = structuredClone(manifest) as KubernetesObject & { subjects?: RbacV1Subject[]; roleRef?: V1RoleRef };
  const metadata = { ...object.metadata };
  delete metadata.resourceVersion;
  delete metadata.uid;
  delete metadata.creationTimestamp;
  switch (object.kind) {
    case 'Role':
    case 'RoleBinding':
      metadata.namespace = namespace;
      break;
    case 'ClusterRole':
    case 'ClusterRoleBinding':
      metadata.name = clusterScopedName(metadata.name, namespace);
      delete metadata.namespace;
      // cluster-scoped objects may be owned by a Namespace: the garbage collector deletes them with it
      metadata.ownerReferences = [owner];
      break;
    default:
      throw new Error(`serviceAccountKubeConfig applies RBAC objects only, got kind ${String(object.kind)}`);
  }
  object.metadata = metadata;
  if (object.roleRef?.kind === 'ClusterRole') {
    object.roleRef = { ...object.roleRef, name: clusterScopedName(object.roleRef.name, namespace) };
  }
  if (object.subjects) {
    object.subjects = object.subjects.map((subject) =>
      subject.kind === 'ServiceAccount' ? { kind: 'ServiceAccount', name: serviceAccount, namespace } : subject,
    );
  }
  return object;
}

function clusterScopedName(name: string | undefined, namespace: string): string {
  if (!name) throw new Error('an RBAC manifest without metadata.name');
  return `${name}-${namespace}`;
}

/** Polls SelfSubjectAccessReviews until the first verb/resource of every bound rule is allowed. */
async function waitForRbac(kc: KubeConfig, objects: KubernetesObject[], namespace: string): Promise<void> {
  const rulesOf = (kind: string, name: string | undefined): V1PolicyRule[] =>
    (objects.find((o) => o.kind === kind && o.metadata?.name === name) as { rules?: V1PolicyRule[] } | undefined)?.rules ?? [];
  const checks: Array<{ verb: string; group: string; resource: string; namespace?: string }> = [];
  for (const binding of objects as Array<KubernetesObject & { roleRef?: V1RoleRef }>) {
    if ((binding.kind !== 'RoleBinding' && binding.kind !== 'ClusterRoleBinding') || !binding.roleRef) continue;
    for (const rule of rulesOf(binding.roleRef.kind, binding.roleRef.name)) {
      const verb = rule.verbs[0];
      const resource = rule.resources?.[0];
      if (!verb || !resource || rule.resourceNames?.length) continue;
      checks.push({
        verb,
        group: rule.apiGroups?.[0] ?? '',
        resource,
        ...(binding.kind === 'RoleBinding' ? { namespace } : {}),
      });
    }
  }
  const authz = kc.makeApiClient(AuthorizationV1Api);
  await expectEventually(
    async () => {
      for (const check of checks) {
        const review = await authz.createSelfSubjectAccessReview({
          body: { spec: { resourceAttributes: { verb: check.verb, group: check.group, resource: check.resource, namespace: check.namespace } } },
        });
        if (!review.status?.allowed) {
          throw new Error(`RBAC not effective yet: ${check.verb} ${check.group}/${check.resource} in ${check.namespace ?? '(cluster)'}`);
        }
      }
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
}

/** HTTP status of a failed client-node call (`ApiException.code`), if any. */
export function kubeStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
