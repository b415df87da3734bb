import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  type KubernetesObject,
  type V1Deployment,
  type V1Job,
  type V1ReplicaSet,
  type V1Service,
} from '@kubernetes/client-node';
import type { FenceOptions, KubeCluster, KubeObject, WaitOptions } from './kube-cluster.port.js';
import { KubeError, statusOf, toKubeError, type KubeCallContext } from './kube.error.js';
import { ANNOTATION_FENCE, FIELD_MANAGER, fenceOf } from './rollout-labels.js';

/** How often a 409 is retried with a fresh read before giving up with a `retry` KubeError. */
const CONFLICT_ATTEMPTS = 4;

const RESOURCES: Record<string, string> = {
  Deployment: 'deployments.apps',
  ReplicaSet: 'replicasets.apps',
  Service: 'services',
  Job: 'jobs.batch',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
};

function resourceOf(object: KubernetesObject): string {
  const kind = object.kind ?? 'object';
  return RESOURCES[kind] ?? `${kind.toLowerCase()}s`;
}

/**
 * `KubeCluster` over `@kubernetes/client-node`. Construct with a loaded `KubeConfig`
 * (`kc.loadFromFile(path)` or `loadFromDefault()`); credentials stay inside the client.
 */
export class ClientNodeKubeCluster implements KubeCluster {
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;
  private readonly batch: BatchV1Api;
  private readonly objects: KubernetesObjectApi;
  private readonly watcher: Watch;

  constructor(kubeConfig: KubeConfig) {
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.batch = kubeConfig.makeApiClient(BatchV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.watcher = new Watch(kubeConfig);
  }

  async apply<T extends KubeObject>(object: T, options: FenceOptions = {}): Promise<T> {
    const namespace = object.metadata.namespace ?? 'default';
    const ctx: KubeCallContext = { verb: 'patch', resource: resourceOf(object), namespace, name: object.metadata.name };
    for (let attempt = 1; ; attempt++) {
      let body: KubeObject = object;
      if (options.fence !== undefined) {
        const current = await this.call({ ...ctx, verb: 'get' }, () => this.objects.read({ apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.metadata.name, namespace } }), true);
        checkFence(current, options.fence, ctx);
        body = {
          ...object,
          metadata: {
            ...object.metadata,
            annotations: { ...(object.metadata.annotations ?? {}), [ANNOTATION_FENCE]: String(options.fence) },
            // A server-side apply with a resourceVersion is a precondition: a writer racing in
            // between our fence check and this apply makes it fail with 409, and we check again.
            ...(current?.metadata?.resourceVersion ? { resourceVersion: current.metadata.resourceVersion } : {}),
          },
        };
      }
      try {
        return (await this.objects.patch(body, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply)) as T;
      } catch (error) {
        const mapped = toKubeError(error, ctx);
        if (mapped.code === 'KUBE_CONFLICT' && attempt < CONFLICT_ATTEMPTS) continue;
        throw mapped;
      }
    }
  }

  getDeployment(namespace: string, name: string): Promise<V1Deployment | undefined> {
    return this.call({ verb: 'get', resource: 'deployments.apps', namespace, name }, () => this.apps.readNamespacedDeployment({ name, namespace }), true);
  }

  async updateDeployment(
    namespace: string,
    name: string,
    mutate: (current: V1Deployment) => V1Deployment | undefined,
    options: FenceOptions = {},
  ): Promise<V1Deployment> {
    const ctx: KubeCallContext = { verb: 'update', resource: 'deployments.apps', namespace, name };
    for (let attempt = 1; ; attempt++) {
      const current = await this.getDeployment(namespace, name);
      if (!current) throw new KubeError('KUBE_NOT_FOUND', `Not found: deployments.apps/${name} in namespace ${namespace}`, { status: 404 });
      if (options.fence !== undefined) checkFence(current, options.fence, ctx);
      const desired = mutate(structuredClone(current));
      if (!desired) return current;
      if (options.fence !== undefined) {
        desired.metadata = { ...desired.metadata, annotations: { ...(desired.metadata?.annotations ?? {}), [ANNOTATION_FENCE]: String(options.fence) } };
      }
      try {
        // replace carries the read's resourceVersion: optimistic concurrency, 409 on a race.
        return await this.apps.replaceNamespacedDeployment({ name, namespace, body: desired, fieldManager: FIELD_MANAGER });
      } catch (error) {
        const mapped = toKubeError(error, ctx);
        if (mapped.code === 'KUBE_CONFLICT' && attempt < CONFLICT_ATTEMPTS) continue;
        throw mapped;
      }
    }
  }

  scaleDeployment(namespace: string, name: string, replicas: number, options: FenceOptions = {}): Promise<V1Deployment> {
    return this.updateDeployment(
      namespace,
      name,
      (current) => {
        if (current.spec?.replicas === replicas) return undefined;
        if (current.spec) current.spec.replicas = replicas;
        return current;
      },
      options,
    );
  }

  async listReplicaSets(namespace: string, labelSelector: string): Promise<V1ReplicaSet[]> {
    const list = await this.call({ verb: 'list', resource: 'replicasets.apps', namespace }, () => this.apps.listNamespacedReplicaSet({ namespace, labelSelector }));
    return list.items;
  }

  getService(namespace: string, name: string): Promise<V1Service | undefined> {
    return this.call({ verb: 'get', resource: 'services', namespace, name }, () => this.core.readNamespacedService({ name, namespace }), true);
  }

  async createJob(job: V1Job): Promise<V1Job> {
    const namespace = job.metadata?.namespace ?? 'default';
    const name = job.metadata?.name ?? '';
    try {
      return await this.batch.createNamespacedJob({ namespace, body: job, fieldManager: FIELD_MANAGER });
    } catch (error) {
      if (statusOf(error) === 409) {
        const existing = await this.getJob(namespace, name);
        if (existing) return existing;
      }
      throw toKubeError(error, { verb: 'create', resource: 'jobs.batch', namespace, name });
    }
  }

  getJob(namespace: string, name: string): Promise<V1Job | undefined> {
    return this.call({ verb: 'get', resource: 'jobs.batch', namespace, name }, () => this.batch.readNamespacedJob({ name, namespace }), true);
  }

  async deleteJob(namespace: string, name: string): Promise<void> {
    await this.call({ verb: 'delete', resource: 'jobs.batch', namespace, name }, () => this.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' }), true);
  }

  waitForDeployment(namespace: string, name: string, until: (deployment: V1Deployment) => boolean, options: WaitOptions): Promise<V1Deployment | undefined> {
    return this.waitFor(`/apis/apps/v1/namespaces/${namespace}/deployments`, 'deployments.apps', namespace, name, () => this.getDeployment(namespace, name), until, options);
  }

  waitForJob(namespace: string, name: string, until: (job: V1Job) => boolean, options: WaitOptions): Promise<V1Job | undefined> {
    return this.waitFor(`/apis/batch/v1/namespaces/${namespace}/jobs`, 'jobs.batch', namespace, name, () => this.getJob(namespace, name), until, options);
  }

  /**
   * Get, then watch from the read's resourceVersion: a change is seen within milliseconds instead
   * of a poll interval, and nothing between the read and the watch is missed. A watch that ends
   * early (server timeout, 410 Gone) restarts from a fresh read.
   */
  private async waitFor<T extends KubernetesObject>(
    path: string,
    resource: string,
    namespace: string,
    name: string,
    read: () => Promise<T | undefined>,
    until: (object: T) => boolean,
    options: WaitOptions,
  ): Promise<T | undefined> {
    const deadline = Date.now() + options.timeoutMs;
    let last = await read();
    while (last && !until(last) && Date.now() < deadline && !options.signal?.aborted) {
      const from: T = last;
      const outcome = await new Promise<{ object?: T; error?: unknown }>((resolve) => {
        let settled = false;
        let controller: AbortController | undefined;
        let seen: T = from;
        const finish = (result: { object?: T; error?: unknown }): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          controller?.abort();
          resolve(result);
        };
        const onAbort = (): void => finish({ object: seen });
        const timer = setTimeout(() => finish({ object: seen }), Math.max(0, deadline - Date.now()));
        options.signal?.addEventListener('abort', onAbort, { once: true });
        this.watcher
          .watch(
            path,
            { fieldSelector: `metadata.name=${name}`, resourceVersion: from.metadata?.resourceVersion, allowWatchBookmarks: true },
            (type, object: T) => {
              if (type === 'ADDED' || type === 'MODIFIED') {
                seen = object;
                if (until(object)) finish({ object });
              } else if (type === 'DELETED') {
                finish({});
              } else if (type === 'ERROR') {
                finish({ object: seen, error: Object.assign(new Error('watch error'), { code: (object as { code?: number }).code ?? 500 }) });
              }
            },
            (error: unknown) => finish({ object: seen, error: error ?? undefined }),
          )
          .then((c) => {
            controller = c;
            if (settled) c.abort();
          })
          .catch((error: unknown) => finish({ object: seen, error }));
      });
      if (outcome.error !== undefined && !options.signal?.aborted && Date.now() < deadline) {
        const status = statusOf(outcome.error);
        // 410: our resourceVersion is too old; anything else transient: re-read and watch again.
        if (status === 403 || status === 401) throw toKubeError(outcome.error, { verb: 'watch', resource, namespace, name });
        last = await read();
        continue;
      }
      if (!outcome.object) return undefined;
      last = outcome.object;
      if (until(last) || Date.now() >= deadline) return last;
      last = await read();
    }
    return last;
  }

  private async call<R>(ctx: KubeCallContext, fn: () => Promise<R>, notFoundIsUndefined: true): Promise<R | undefined>;
  private async call<R>(ctx: KubeCallContext, fn: () => Promise<R>): Promise<R>;
  private async call<R>(ctx: KubeCallContext, fn: () => Promise<R>, notFoundIsUndefined = false): Promise<R | undefined> {
    try {
      return await fn();
    } catch (error) {
      if (notFoundIsUndefined && statusOf(error) === 404) return undefined;
      throw toKubeError(error, ctx);
    }
  }
}

function checkFence(current: KubernetesObject | undefined, fence: number, ctx: KubeCallContext): void {
  const existing = fenceOf(current);
  if (existing !== undefined && existing > fence) {
    throw new KubeError(
      'KUBE_FENCED',
      `Refusing to ${ctx.verb} ${ctx.resource}/${ctx.name ?? ''} in namespace ${ctx.namespace}: it carries fence ${existing}, newer than ours (${fence})`,
    );
  }
}

/** Loads a kubeconfig file (or the default chain when `path` is undefined). */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}
