export * from './model.js';
export { SbomError, type SbomErrorCode } from './errors.js';
export { DEFAULT_LAYER_LIMITS, type LayerLimits } from './limits.js';
export { indexLayer, classify, type IndexLayerOptions } from './layer-index.js';
export { mergeLayers } from './merge-layers.js';
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
