/**
 * Bounds for one manifest file. Manifests come from untrusted pushes: every limit turns a hostile
 * file (an alias bomb, thousands of documents, deep nesting) into a `MANIFEST_TOO_COMPLEX` skip.
 */
export interface ManifestLimits {
  /** Longest text analysed, in UTF-16 code units. */
  readonly maxLength: number;
  /** Most YAML documents (`---`) in one file. */
  readonly maxDocuments: number;
  /** Deepest nesting of mappings and sequences. */
  readonly maxDepth: number;
  /** Most syntax nodes in the file. */
  readonly maxNodes: number;
  /** Most nodes the analysers visit in the file; aliases make this grow faster than the file. */
  readonly maxVisits: number;
  /** Most alias (`*name`) resolutions in the file. */
  readonly maxAliasCount: number;
  /** Longest single value decoded from base64 and handed to the content rules. */
  readonly maxDecodedLength: number;
}

/**
 * Roomy for real repositories (an operator bundle of a few hundred documents, CRD schemas ~40 levels
 * deep, anchors reused a few dozen times) and tight for hostile files.
 */
export const DEFAULT_MANIFEST_LIMITS: ManifestLimits = Object.freeze({
  maxLength: 2 * 1024 * 1024,
  maxDocuments: 1_000,
  maxDepth: 128,
  maxNodes: 200_000,
  maxVisits: 1_000_000,
  maxAliasCount: 1_000,
  maxDecodedLength: 256 * 1024,
});

/** Thrown inside the analyser when a limit is crossed; never leaves `analyseManifest`. Says nothing of the content. */
export class ManifestTooComplexError extends Error {
  constructor(readonly limit: keyof ManifestLimits) {
    super(`manifest exceeds ${limit}`);
    this.name = 'ManifestTooComplexError';
  }
}

/** Counts work across all documents of one file. */
export class ComplexityBudget {
  private syntaxNodes = 0;
  private visits = 0;
  private aliases = 0;

  constructor(readonly limits: ManifestLimits) {}

  /** One node of the syntax tree, counted while parsing. */
  syntax(): void {
    this.syntaxNodes += 1;
    if (this.syntaxNodes > this.limits.maxNodes) throw new ManifestTooComplexError('maxNodes');
  }

  /** One node visited by the analysers; aliases make this grow faster than the file. */
  visit(): void {
    this.visits += 1;
    if (this.visits > this.limits.maxVisits) throw new ManifestTooComplexError('maxVisits');
  }

  alias(): void {
    this.aliases += 1;
    if (this.aliases > this.limits.maxAliasCount) throw new ManifestTooComplexError('maxAliasCount');
  }
}
