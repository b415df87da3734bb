/** Object metadata as far as this library reads it; other fields are kept untouched. */
export interface KubeMetadata {
  name: string;
  namespace?: string;
  [key: string]: unknown;
}

/** One Kubernetes object from the manifests: the three fields every object must have, and the rest as parsed. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [key: string]: unknown;
}

/** `Kind/namespace/name`, the way violations and events name an object. */
export function objectRef(object: KubeObject, defaultNamespace: string): string {
  return `${object.kind}/${object.metadata.namespace ?? defaultNamespace}/${object.metadata.name}`;
}

export type JsonMap = Record<string, unknown>;

export function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mapAt(value: unknown, ...keys: string[]): JsonMap | undefined {
  let current: unknown = value;
  for (const key of keys) {
    if (!isMap(current)) return undefined;
    current = current[key];
  }
  return isMap(current) ? current : undefined;
}

export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
