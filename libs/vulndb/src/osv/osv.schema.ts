import { z } from 'zod';

/**
 * Bounds on one OSV record. Real records stay far below them (the largest Debian/Ubuntu records
 * list a few thousand versions); they exist so that one hostile or corrupt file costs a bounded
 * amount of memory and time, and is reported instead of stalling the import.
 */
export const OSV_LIMITS = {
  /** Bytes of one JSON file. */
  maxRecordBytes: 4 * 1024 * 1024,
  maxAffected: 2_000,
  maxRangesPerAffected: 100,
  maxEventsPerRange: 1_000,
  maxVersionsPerAffected: 50_000,
  maxAliases: 200,
  maxSeverities: 20,
  /** Characters of an id, package name, version or event. */
  maxShortString: 1_024,
  /** Characters of a summary. */
  maxSummary: 4_096,
} as const;

const shortString = z.string().min(1).max(OSV_LIMITS.maxShortString);

/** One `severity` entry: a scoring system and its vector or label. */
export const OsvSeverity = z.object({
  /** `CVSS_V2`, `CVSS_V3`, `CVSS_V4` or `Ubuntu` (label such as `medium`); others are kept but unused. */
  type: shortString,
  /** CVSS vector string, or the label for `Ubuntu`. */
  score: shortString,
});
export type OsvSeverity = z.infer<typeof OsvSeverity>;

/** One range event: exactly one of the four keys (the spec's "each event has one"). */
export const OsvEvent = z
  .object({
    /** First affected version; `"0"` means "since the beginning". */
    introduced: shortString.optional(),
    /** First version that is no longer affected. */
    fixed: shortString.optional(),
    /** Last affected version (no fix known past it in this range). */
    last_affected: shortString.optional(),
    /** Upper bound of the range (exclusive); `"*"` means unbounded. */
    limit: shortString.optional(),
  })
  .refine((e) => [e.introduced, e.fixed, e.last_affected, e.limit].filter((x) => x !== undefined).length === 1, {
    message: 'an event must have exactly one of introduced, fixed, last_affected, limit',
  });
export type OsvEvent = z.infer<typeof OsvEvent>;

/** One `affected[].ranges[]` entry. */
export const OsvRange = z.object({
  /** `ECOSYSTEM`, `SEMVER` or `GIT` (GIT ranges are ignored by the matcher). */
  type: z.enum(['ECOSYSTEM', 'SEMVER', 'GIT']),
  /** Repository URL for GIT ranges. */
  repo: z.string().max(OSV_LIMITS.maxShortString).optional(),
  events: z.array(OsvEvent).min(1).max(OSV_LIMITS.maxEventsPerRange),
});
export type OsvRange = z.infer<typeof OsvRange>;

// Only a short string label survives: everything else in these free-form objects is dropped (and
// a malformed label is ignored, not fatal), so no deeply nested source data reaches the index.
const severityLabel = z
  .object({ severity: z.string().max(64).optional().catch(undefined) })
  .optional()
  .catch(undefined);

/** One `affected[]` entry: a package, and the versions of it that are affected. */
export const OsvAffected = z.object({
  package: z.object({
    /** OSV ecosystem, e.g. `npm`, `PyPI`, `Go`, `Maven`, `Debian:12`, `Alpine:v3.19`, `Ubuntu:22.04:LTS`. */
    ecosystem: shortString,
    /** Package name as the ecosystem spells it (Debian: the SOURCE package). */
    name: shortString,
    purl: z.string().max(OSV_LIMITS.maxShortString).optional(),
  }),
  severity: z.array(OsvSeverity).max(OSV_LIMITS.maxSeverities).optional(),
  ranges: z.array(OsvRange).max(OSV_LIMITS.maxRangesPerAffected).optional(),
  /** Explicitly listed affected versions. */
  versions: z.array(shortString).max(OSV_LIMITS.maxVersionsPerAffected).optional(),
  /** Source-specific extras; only `severity` is read. */
  database_specific: severityLabel,
  ecosystem_specific: severityLabel,
});
export type OsvAffected = z.infer<typeof OsvAffected>;

/** An OSV record (https://ossf.github.io/osv-schema/), restricted to the fields the matcher reads. Unknown fields are dropped. */
export const OsvRecord = z.object({
  /** e.g. `GHSA-jfh8-c2jp-5v3q`, `DSA-5139-1`, `CVE-2021-44228`. */
  id: shortString,
  /** RFC 3339 timestamp of the last change; decides between two records with one id. */
  modified: z.string().max(64),
  published: z.string().max(64).optional(),
  /** Present when the record was withdrawn; such records never match. */
  withdrawn: z.string().max(64).optional(),
  aliases: z.array(shortString).max(OSV_LIMITS.maxAliases).optional(),
  summary: z.string().max(OSV_LIMITS.maxSummary).optional(),
  severity: z.array(OsvSeverity).max(OSV_LIMITS.maxSeverities).optional(),
  affected: z.array(OsvAffected).max(OSV_LIMITS.maxAffected).optional(),
  database_specific: severityLabel,
});
export type OsvRecord = z.infer<typeof OsvRecord>;
