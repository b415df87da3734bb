import { type JsonMap, type KubeObject, isMap, listOf, mapAt } from './kube-object.js';

/** A pod spec inside an object, with its field path (`spec.template.spec`). */
export interface PodSpecAt {
  path: string;
  spec: JsonMap;
}

/** A container inside a pod spec, with its field path (`spec.template.spec.initContainers[0]`). */
export interface ContainerAt {
  path: string;
  container: JsonMap;
  list: ContainerList;
}

export type ContainerList = 'containers' | 'initContainers' | 'ephemeralContainers';
export const CONTAINER_LISTS: readonly ContainerList[] = ['containers', 'initContainers', 'ephemeralContainers'];

/** Where each workload kind keeps its pod spec (core and apps/batch groups). */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** Kinds whose objects hold a pod spec. */
export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_SPEC_PATHS);

export function podSpecOf(object: KubeObject): PodSpecAt | undefined {
  const keys = POD_SPEC_PATHS[object.kind];
  if (!keys) return undefined;
  const spec = mapAt(object, ...keys);
  return spec ? { path: keys.join('.'), spec } : undefined;
}

export function containersOf(pod: PodSpecAt): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const list of CONTAINER_LISTS) {
    listOf(pod.spec[list]).forEach((container, i) => {
      if (isMap(container)) out.push({ path: `${pod.path}.${list}[${i}]`, container, list });
    });
  }
  return out;
}
