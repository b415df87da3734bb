import { SbomError } from './errors.js';

const MiB = 1024 * 1024;

/** Bounds on what one layer may cost. Everything the index holds in memory is under one of them. */
export interface LayerLimits {
  /** Uncompressed tar bytes per layer; past it the layer fails `LAYER_TOO_LARGE` (decompression bombs). */
  readonly maxLayerBytes: number;
  /** Tar entries per layer; past it the layer fails `LAYER_TOO_LARGE`. */
  readonly maxEntries: number;
  /** Longest entry path accepted; longer ones are skipped with a warning. */
  readonly maxPathLength: number;
  /** Largest metadata file buffered (dpkg status, lockfile, package.json, METADATA). */
  readonly maxTextFileBytes: number;
  /** Largest Java archive buffered to read its `pom.properties`. */
  readonly maxArchiveBytes: number;
  /** Bytes inflated from one Java archive (nested jars included): zip bombs stop here. */
  readonly maxArchiveInflatedBytes: number;
  /** Zip entries looked at per archive. */
  readonly maxArchiveEntries: number;
  /** Bytes of one executable searched for Go build info (only a 64 KiB window is ever held). */
  readonly maxExecutableScanBytes: number;
  /** Bytes buffered per layer for all kept files together. */
  readonly maxKeptBytesPerLayer: number;
  /** Warnings kept per layer (more are counted in the last one). */
  readonly maxWarnings: number;
}

export const DEFAULT_LAYER_LIMITS: LayerLimits = {
  maxLayerBytes: 8 * 1024 * MiB,
  maxEntries: 500_000,
  maxPathLength: 4096,
  maxTextFileBytes: 32 * MiB,
  maxArchiveBytes: 128 * MiB,
  maxArchiveInflatedBytes: 512 * MiB,
  maxArchiveEntries: 100_000,
  maxExecutableScanBytes: 512 * MiB,
  maxKeptBytesPerLayer: 1024 * MiB,
  maxWarnings: 200,
};

export function resolveLimits(overrides: Partial<LayerLimits> | undefined): LayerLimits {
  const limits = { ...DEFAULT_LAYER_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new SbomError('INVALID_INPUT', `limit ${key} must be a positive integer`);
    }
  }
  return limits;
}
