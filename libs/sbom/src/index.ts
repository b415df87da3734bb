export * from './model.js';
export { SbomError, type SbomErrorCode } from './errors.js';
export { DEFAULT_LAYER_LIMITS, type LayerLimits } from './limits.js';
export { indexLayer, classify, type IndexLayerOptions } from './layer-index.js';
export { mergeLayers } from './merge-layers.js';
export { walkLayer, type LayerWalkEntry, type WalkLayerOptions } from './layer-walk.js';
export {
  extractSbom,
  contributionCacheKey,
  InMemoryContributionCache,
  type ExtractSbomOptions,
  type LayerContributionCache,
  type LayerInput,
} from './extract-sbom.js';
export { openLayer, isSupportedLayerMediaType } from './layer-media.js';
export { purlOf } from './purl.js';
export { toCycloneDxJson, CDX_PROPERTY, type DocumentOptions, type SbomImageRef } from './cyclonedx.js';
export { toSpdxJson } from './spdx.js';
export { parseBuildInfoBlob, goPackagesOf } from './catalogers/go-buildinfo.js';
export { parseNpmLockfile } from './catalogers/npm.js';
export { lockfileFormatOf, readLockfile } from './lockfiles/read-lockfile.js';
export { LockfileError, type LockfileErrorCode } from './lockfiles/lockfile.error.js';
export {
  DEFAULT_LOCKFILE_LIMITS,
  type LockfileFormat,
  type LockfileLimits,
  type LockfileReading,
  type UnpinnedDependency,
  type UnpinnedReason,
} from './lockfiles/lockfile.model.js';
export { MergedFileSystem, type MergedEntry, type MergedFileSystemOptions, type MergedLayerSource } from './merged-file-system.js';
