import type { Severity } from '@portcullis/contracts';

/** A finding the manifest analyser raises itself (content rules come from the engine via `scanValue`). */
export interface ManifestRule {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly description: string;
}

/*
 * Severities: an object the author declared secret (a Secret, a secretGenerator, an image pull
 * Secret) certainly holds a credential → high; a private key is worse (it often unlocks more than
 * one system and cannot be rotated by a config change) → critical; rules that judge by a key's
 * *name* (env vars, ConfigMap keys) can be wrong about the value → medium.
 */
export const MANIFEST_RULES = {
  plainSecret: {
    ruleId: 'k8s-plain-secret',
    severity: 'high',
    description: 'Kubernetes Secret committed with a readable value (base64 is an encoding, not encryption)',
  },
  privateKey: {
    ruleId: 'k8s-private-key',
    severity: 'critical',
    description: 'Private key committed in a Kubernetes Secret',
  },
  registryCredential: {
    ruleId: 'k8s-registry-credential',
    severity: 'high',
    description: 'Container registry credential committed in an image pull Secret',
  },
  envLiteralSecret: {
    ruleId: 'k8s-env-literal-secret',
    severity: 'medium',
    description: 'Credential-like container env var set to a literal value (use valueFrom.secretKeyRef)',
  },
  configMapCredential: {
    ruleId: 'k8s-configmap-credential',
    severity: 'medium',
    description: 'Credential-like key in a ConfigMap (ConfigMaps are not secret)',
  },
  kustomizeSecretLiteral: {
    ruleId: 'k8s-kustomize-secret-literal',
    severity: 'high',
    description: 'Literal value in a kustomize secretGenerator',
  },
  kustomizeConfigMapCredential: {
    ruleId: 'k8s-kustomize-configmap-credential',
    severity: 'medium',
    description: 'Credential-like literal in a kustomize configMapGenerator (ConfigMaps are not secret)',
  },
} as const satisfies Record<string, ManifestRule>;
