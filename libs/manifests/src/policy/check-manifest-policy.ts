import { isDigestPinned } from '../images/image-name.js';
import { type JsonMap, type KubeObject, isMap, listOf, mapAt, objectRef } from '../kube-object.js';
import { type ContainerAt, type PodSpecAt, containersOf, podSpecOf } from '../pod-specs.js';
import type { ManifestPolicy, ManifestRule } from './manifest-policy.js';

/** One place where the manifests break a `deny` rule. Never quotes a value from a Secret. */
export interface ManifestViolation {
  rule: ManifestRule;
  /** `Kind/namespace/name`; objects without a namespace get the environment's. */
  object: string;
  /** Field path in the object: `spec.template.spec.containers[0].securityContext.privileged`. */
  field: string;
  /** For people: what is wrong and what would fix it. */
  message: string;
}

export interface CheckOptions {
  /** The environment's namespace, for objects that do not name one. */
  defaultNamespace: string;
}

type Finding = Omit<ManifestViolation, 'object'>;

/** Capabilities a container may add without counting as privileged (binding ports below 1024). */
const HARMLESS_CAPABILITIES = new Set(['NET_BIND_SERVICE']);

/**
 * Checks every object against every rule the policy denies (`allow`ed rules are not evaluated).
 * Pod specs are found in every workload kind, CronJob job templates included. Violations come in
 * object order, then rule order.
 */
export function checkManifestPolicy(objects: readonly KubeObject[], policy: ManifestPolicy, options: CheckOptions): ManifestViolation[] {
  const denied = (rule: ManifestRule): boolean => policy[rule] !== 'allow';
  const violations: ManifestViolation[] = [];
  for (const object of objects) {
    const ref = objectRef(object, options.defaultNamespace);
    const findings: Finding[] = [];
    if (denied('plaintextSecrets')) findings.push(...plaintextSecrets(object));
    const pod = podSpecOf(object);
    if (pod) {
      const containers = containersOf(pod);
      if (denied('privileged')) findings.push(...containers.flatMap(privileged));
      if (denied('runAsRoot')) findings.push(...containers.flatMap((c) => runAsRoot(pod, c)));
      if (denied('hostNamespaces')) findings.push(...hostNamespaces(pod));
      if (denied('hostPath')) findings.push(...hostPath(pod));
      if (denied('missingLimits')) findings.push(...containers.flatMap(missingLimits));
      if (denied('mutableTags')) findings.push(...containers.flatMap(mutableTag));
    }
    if (object.kind === 'Service') {
      const type = mapAt(object, 'spec')?.['type'];
      if (type === 'NodePort' && denied('nodePort')) {
        findings.push({ rule: 'nodePort', field: 'spec.type', message: 'Service type NodePort opens a port on every node; use ClusterIP behind an Ingress' });
      }
      if (type === 'LoadBalancer' && denied('loadBalancer')) {
        findings.push({ rule: 'loadBalancer', field: 'spec.type', message: 'Service type LoadBalancer exposes it outside the cluster; use ClusterIP behind an Ingress' });
      }
    }
    if (object.kind === 'Ingress' && denied('ingressWithoutTls')) findings.push(...ingressWithoutTls(object));
    for (const finding of findings) violations.push({ ...finding, object: ref });
  }
  return violations;
}

function plaintextSecrets(object: KubeObject): Finding[] {
  if (object.kind !== 'Secret' || object.apiVersion !== 'v1') return [];
  const out: Finding[] = [];
  for (const field of ['data', 'stringData'] as const) {
    const values = object[field];
    const count = isMap(values) ? Object.keys(values).length : 0;
    // a service-account-token Secret without data is filled in by the cluster: nothing committed
    if (count > 0) {
      out.push({
        rule: 'plaintextSecrets',
        field,
        message: `Secret holds ${count} value(s) in ${field} in the repository; use a sealed or external secret instead`,
      });
    }
  }
  return out;
}

function securityContextOf(value: JsonMap): JsonMap | undefined {
  return mapAt(value, 'securityContext');
}

function privileged({ path, container }: ContainerAt): Finding[] {
  const sc = securityContextOf(container);
  if (!sc) return [];
  const out: Finding[] = [];
  if (sc['privileged'] === true) {
    out.push({ rule: 'privileged', field: `${path}.securityContext.privileged`, message: 'privileged container has full access to the node' });
  }
  if (sc['allowPrivilegeEscalation'] === true) {
    out.push({
      rule: 'privileged',
      field: `${path}.securityContext.allowPrivilegeEscalation`,
      message: 'allowPrivilegeEscalation true lets a process gain more privileges than its parent; set it to false',
    });
  }
  listOf(mapAt(sc, 'capabilities')?.['add']).forEach((cap, i) => {
    const name = typeof cap === 'string' ? cap.toUpperCase().replace(/^CAP_/, '') : '';
    if (!HARMLESS_CAPABILITIES.has(name)) {
      out.push({
        rule: 'privileged',
        field: `${path}.securityContext.capabilities.add[${i}]`,
        message: `adds capability ${typeof cap === 'string' ? cap : '(not a string)'}; only NET_BIND_SERVICE may be added`,
      });
    }
  });
  return out;
}

function runAsRoot(pod: PodSpecAt, { path, container }: ContainerAt): Finding[] {
  const own = securityContextOf(container);
  const podSc = securityContextOf(pod.spec);
  const runAsUserAt = own?.['runAsUser'] !== undefined ? `${path}.securityContext.runAsUser` : `${pod.path}.securityContext.runAsUser`;
  const runAsUser = own?.['runAsUser'] ?? podSc?.['runAsUser'];
  if (runAsUser === 0) {
    return [{ rule: 'runAsRoot', field: runAsUserAt, message: 'runs as user 0 (root); use a non-zero runAsUser' }];
  }
  const nonRoot = own?.['runAsNonRoot'] ?? podSc?.['runAsNonRoot'];
  if (nonRoot === true) return [];
  return [
    {
      rule: 'runAsRoot',
      field: `${path}.securityContext.runAsNonRoot`,
      message: 'may run as root: set runAsNonRoot: true on the container or the pod securityContext',
    },
  ];
}

function hostNamespaces(pod: PodSpecAt): Finding[] {
  return (['hostNetwork', 'hostPID', 'hostIPC'] as const)
    .filter((key) => pod.spec[key] === true)
    .map((key) => ({ rule: 'hostNamespaces' as const, field: `${pod.path}.${key}`, message: `${key} true shares the node's namespace with the pod` }));
}

function hostPath(pod: PodSpecAt): Finding[] {
  const out: Finding[] = [];
  listOf(pod.spec['volumes']).forEach((volume, i) => {
    if (isMap(volume) && volume['hostPath'] !== undefined) {
      out.push({ rule: 'hostPath', field: `${pod.path}.volumes[${i}].hostPath`, message: 'hostPath volume mounts a directory of the node into the pod' });
    }
  });
  return out;
}

function missingLimits({ path, container, list }: ContainerAt): Finding[] {
  // ephemeral (debug) containers may not set resources at all
  if (list === 'ephemeralContainers') return [];
  const limits = mapAt(container, 'resources', 'limits');
  const missing = (['cpu', 'memory'] as const).filter((key) => limits?.[key] === undefined || limits[key] === null);
  if (missing.length === 0) return [];
  const field = missing.length === 2 ? `${path}.resources.limits` : `${path}.resources.limits.${missing[0]}`;
  return [{ rule: 'missingLimits', field, message: `no ${missing.join(' and ')} limit` }];
}

function mutableTag({ path, container }: ContainerAt): Finding[] {
  const image = container['image'];
  if (typeof image === 'string' && isDigestPinned(image)) return [];
  return [
    {
      rule: 'mutableTags',
      field: `${path}.image`,
      message: `image ${typeof image === 'string' ? image : '(none)'} is not pinned by @sha256 digest and is not one of deploy.images`,
    },
  ];
}

function ingressWithoutTls(object: KubeObject): Finding[] {
  const spec = mapAt(object, 'spec');
  const tls = listOf(spec?.['tls']).filter(isMap);
  if (tls.length === 0) {
    return [{ rule: 'ingressWithoutTls', field: 'spec.tls', message: 'Ingress serves plain HTTP: add spec.tls for its hosts' }];
  }
  const tlsHosts = tls.flatMap((entry) => listOf(entry['hosts']).filter((h): h is string => typeof h === 'string'));
  // a tls entry without hosts is the controller's default certificate, which serves any host
  const defaultCertificate = tls.some((entry) => listOf(entry['hosts']).length === 0);
  const out: Finding[] = [];
  listOf(spec?.['rules']).forEach((rule, i) => {
    const host = isMap(rule) ? rule['host'] : undefined;
    if (typeof host !== 'string' || host === '') {
      if (!defaultCertificate) {
        out.push({ rule: 'ingressWithoutTls', field: `spec.rules[${i}]`, message: 'rule without host is not covered by a spec.tls entry' });
      }
    } else if (!defaultCertificate && !tlsHosts.some((pattern) => hostMatches(pattern, host))) {
      out.push({ rule: 'ingressWithoutTls', field: `spec.rules[${i}].host`, message: `host ${host} is not listed in spec.tls[].hosts` });
    }
  });
  return out;
}

/** `*.example.com` covers exactly one label (`a.example.com`, not `a.b.example.com`), like a certificate. */
function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (!p.startsWith('*.')) return p === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot) === p.slice(1);
}
