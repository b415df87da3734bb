export { ManifestError, type ManifestErrorCode } from './manifest.error.js';
export { objectRef, type KubeMetadata, type KubeObject } from './kube-object.js';
export { WORKLOAD_KINDS } from './pod-specs.js';
export {
  DEFAULT_PARSE_LIMITS,
  parseManifests,
  type ManifestProblem,
  type ParsedManifests,
  type ParseLimits,
} from './parse/parse-manifests.js';
export { isDigestPinned, normaliseRepository, parseImageName, type ParsedImageName } from './images/image-name.js';
export { pinImages, type ImageToPin, type PinnedImage, type PinResult } from './images/pin-images.js';
export {
  MANIFEST_RULES,
  ManifestPolicy,
  STRICT_MANIFEST_POLICY,
  type ManifestPolicyInput,
  type ManifestRule,
} from './policy/manifest-policy.js';
export { checkManifestPolicy, type CheckOptions, type ManifestViolation } from './policy/check-manifest-policy.js';
export { KUSTOMIZATION_FILES, assertLocalKustomizations, kustomizationIn } from './kustomize/kustomization-references.js';
export {
  KUSTOMIZE_VERSION,
  KustomizeRenderer,
  defaultKustomizeBinary,
  type KustomizeRendererOptions,
  type RenderOptions,
} from './kustomize/kustomize.renderer.js';
