import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeObject } from './kube-cluster.port.js';

/** The one field manager of every write (server-side apply ownership). */
export const FIELD_MANAGER = 'portcullis-deploy-orchestrator';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'portcullis';
export const LABEL_APP = 'portcullis.dev/app';
/** Blue-green slot of a Deployment, its pods, and the selector of the live / preview Service. */
export const LABEL_SLOT = 'portcullis.dev/slot';
/** Release id on Deployments, their pod templates (hence ReplicaSets) and every applied object. */
export const ANNOTATION_RELEASE = 'portcullis.dev/release';
/** Fencing token of the orchestrator that last wrote the object. */
export const ANNOTATION_FENCE = 'portcullis.dev/fence';
/** Set by a rollback: the release whose rollout failed. */
export const ANNOTATION_ROLLED_BACK_FROM = 'portcullis.dev/rolled-back-from';

export type Slot = 'blue' | 'green';

export function otherSlot(slot: Slot): Slot {
  return slot === 'blue' ? 'green' : 'blue';
}

export function isSlot(value: unknown): value is Slot {
  return value === 'blue' || value === 'green';
}

export function fenceOf(object: KubernetesObject | undefined): number | undefined {
  const raw = object?.metadata?.annotations?.[ANNOTATION_FENCE];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

export function releaseOf(object: KubernetesObject | undefined): string | undefined {
  return object?.metadata?.annotations?.[ANNOTATION_RELEASE];
}

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/**
 * A copy of `object` in `namespace` with the managed-by / app labels and the release annotation
 * (CONVENTIONS of the deploy design). Deployments also get the release annotation on their pod
 * template, so every release has its own ReplicaSet to roll back to.
 */
export function stamp(object: KubeObject, context: { app: string; namespace: string; releaseId: string }): KubeObject {
  const copy = structuredClone(object);
  copy.metadata = {
    ...copy.metadata,
    namespace: context.namespace,
    labels: { ...(copy.metadata.labels ?? {}), [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_APP]: context.app },
    annotations: { ...(copy.metadata.annotations ?? {}), [ANNOTATION_RELEASE]: context.releaseId },
  };
  if (copy.kind === 'Deployment') {
    const spec = record(copy['spec']);
    const template = record(spec['template']);
    const meta = record(template['metadata']);
    template['metadata'] = { ...meta, annotations: { ...record(meta['annotations']), [ANNOTATION_RELEASE]: context.releaseId } };
    spec['template'] = template;
    copy['spec'] = spec;
  }
  return copy;
}

/** `<name>-<slot>` with the slot label added to metadata, selector and pod template. */
export function toSlot(deployment: KubeObject, slot: Slot): KubeObject {
  const copy = structuredClone(deployment);
  copy.metadata = { ...copy.metadata, name: slotName(deployment.metadata.name, slot), labels: { ...(copy.metadata.labels ?? {}), [LABEL_SLOT]: slot } };
  const spec = record(copy['spec']);
  const selector = record(spec['selector']);
  spec['selector'] = { ...selector, matchLabels: { ...record(selector['matchLabels']), [LABEL_SLOT]: slot } };
  const template = record(spec['template']);
  const meta = record(template['metadata']);
  template['metadata'] = { ...meta, labels: { ...record(meta['labels']), [LABEL_SLOT]: slot } };
  spec['template'] = template;
  copy['spec'] = spec;
  return copy;
}

export function slotName(name: string, slot: Slot): string {
  return `${name}-${slot}`;
}

/** The Service with its selector narrowed to one slot; `name` renames it (the preview Service). */
export function serviceForSlot(service: KubeObject, slot: Slot, name = service.metadata.name): KubeObject {
  const copy = structuredClone(service);
  copy.metadata = { ...copy.metadata, name };
  const spec = record(copy['spec']);
  // clusterIP(s) are allocated per Service: a renamed copy must not claim the original's.
  if (name !== service.metadata.name) {
    delete spec['clusterIP'];
    delete spec['clusterIPs'];
    delete spec['healthCheckNodePort'];
    if (Array.isArray(spec['ports'])) spec['ports'] = (spec['ports'] as Json[]).map(({ nodePort: _nodePort, ...port }) => port);
  }
  spec['selector'] = { ...record(spec['selector']), [LABEL_SLOT]: slot };
  copy['spec'] = spec;
  return copy;
}

/**
 * Deployments and Services carry the fence and are checked against it before a write; other kinds
 * are applied blind, so the orchestrator needs no read access to them (Secrets in particular).
 */
export function fenceFor(object: KubeObject, fence: number): { fence?: number } {
  return object.kind === 'Deployment' || object.kind === 'Service' ? { fence } : {};
}
