import { z } from 'zod';

const Rule = z.enum(['deny', 'allow']).default('deny');

/**
 * The `deploy.policy` section of `.portcullis.yaml`: what the rendered manifests may contain.
 * Every rule defaults to `deny`; a repository opts out of one rule at a time with `allow`.
 * Unknown keys are an error, so a typo never silently keeps a rule off.
 */
export const ManifestPolicy = z
  .strictObject({
    /** A Secret object with `data` or `stringData` in the repository. */
    plaintextSecrets: Rule.meta({ description: 'A Secret with data or stringData committed to the repository.' }),
    /** `privileged: true`, `allowPrivilegeEscalation: true`, or added capabilities other than NET_BIND_SERVICE. */
    privileged: Rule.meta({
      description: 'privileged or allowPrivilegeEscalation true, or added capabilities other than NET_BIND_SERVICE.',
    }),
    /** A container for which neither its own nor the pod's securityContext sets `runAsNonRoot: true`, or that sets `runAsUser: 0`. */
    runAsRoot: Rule.meta({ description: 'runAsNonRoot not true (container or pod), or runAsUser 0.' }),
    /** `hostNetwork`, `hostPID` or `hostIPC` true. */
    hostNamespaces: Rule.meta({ description: 'hostNetwork, hostPID or hostIPC true.' }),
    /** A `hostPath` volume. */
    hostPath: Rule.meta({ description: 'A hostPath volume.' }),
    /** A container (or init container) without both `resources.limits.cpu` and `resources.limits.memory`. */
    missingLimits: Rule.meta({ description: 'A container without resources.limits.cpu and resources.limits.memory.' }),
    /** An image not pinned by `@sha256:` after the release's images were pinned. */
    mutableTags: Rule.meta({ description: 'An image without an @sha256 digest after pinning (not one of deploy.images).' }),
    /** A Service of type NodePort. */
    nodePort: Rule.meta({ description: 'A Service of type NodePort.' }),
    /** A Service of type LoadBalancer. */
    loadBalancer: Rule.meta({ description: 'A Service of type LoadBalancer.' }),
    /** An Ingress without `spec.tls`, or with a rule host no `spec.tls[].hosts` entry covers. */
    ingressWithoutTls: Rule.meta({ description: 'An Ingress without spec.tls covering all of its rule hosts.' }),
  })
  .meta({ description: 'Manifest policy gate; every rule defaults to deny.' });

/** The policy after defaults: every rule is set. */
export type ManifestPolicy = z.infer<typeof ManifestPolicy>;
/** The policy as written in `.portcullis.yaml` (every rule optional). */
export type ManifestPolicyInput = z.input<typeof ManifestPolicy>;
/** Name of one rule. */
export type ManifestRule = keyof ManifestPolicy;

export const MANIFEST_RULES: readonly ManifestRule[] = Object.keys(ManifestPolicy.shape) as ManifestRule[];

/** Every rule `deny`: the policy of a repository that wrote none. */
export const STRICT_MANIFEST_POLICY: ManifestPolicy = ManifestPolicy.parse({});
