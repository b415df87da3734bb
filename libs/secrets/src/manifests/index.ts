export { analyseManifest, type ManifestScanResult } from './analyse-manifest.js';
export type { LineSpan } from './manifest-nodes.js';
export { DEFAULT_MANIFEST_LIMITS, type ManifestLimits } from './manifest-limits.js';
export { mayBeManifest } from './manifest-path.js';
export { MANIFEST_RULES, type ManifestRule } from './manifest-rules.js';
