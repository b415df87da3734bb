import { z } from 'zod';
import { ReasonCode } from '../common/scalars.js';
import { Severity, SeverityCounts } from '../common/severity.js';
import { VulnerabilityId } from '../scan-completed/scan-completed.event.js';

/** Lockfile formats the push-time dependency audit reads. */
export const DependencyFileFormat = z
  .enum(['package-lock', 'yarn-lock', 'pnpm-lock', 'requirements', 'poetry-lock', 'go-sum', 'pom'])
  .meta({
    description:
      '`package-lock` (package-lock.json, npm-shrinkwrap.json), `yarn-lock`, `pnpm-lock`, `requirements` (requirements*.txt), `poetry-lock`, `go-sum`, `pom` (pom.xml).',
  });
export type DependencyFileFormat = z.infer<typeof DependencyFileFormat>;

/** A pinned package of a lockfile with a matching advisory. */
export const DependencyVulnerability = z
  .object({
    /** Index in `files` of the lockfile that pins the package. */
    file: z.number().int().min(0).max(24).meta({ description: 'Index in `files` of the lockfile that pins the package.' }),
    /** Advisory id. */
    id: VulnerabilityId,
    /** Other ids of the same advisory (at most 3, CVE ids first). */
    aliases: z.array(VulnerabilityId).max(3).meta({ description: 'Other ids of the same advisory (at most 3, CVE ids first).' }),
    /** Severity, on the same scale and from the same database as the image scan. */
    severity: Severity.meta({ description: 'Severity, on the same scale and from the same database as the image scan.' }),
    /** The pinned package. */
    package: z
      .object({
        /** Name as the ecosystem spells it (`group:artifact` for Maven). */
        name: z.string().min(1).max(200).meta({ description: 'Name as the ecosystem spells it (`group:artifact` for Maven).' }),
        /** Pinned version. */
        version: z.string().min(1).max(64).meta({ description: 'Pinned version.' }),
        /** OSV ecosystem: `npm`, `PyPI`, `Go`, `Maven`. */
        ecosystem: z.string().min(1).max(32).meta({ description: 'OSV ecosystem: `npm`, `PyPI`, `Go`, `Maven`.' }),
        /** package-url of the pinned package, e.g. `pkg:npm/minimist@1.2.5`. */
        purl: z.string().min(5).max(256).startsWith('pkg:').meta({ description: 'package-url of the pinned package, e.g. `pkg:npm/minimist@1.2.5`.' }),
      })
      .meta({ description: 'The pinned package.' }),
    /** Lowest version above the pinned one that fixes it, when one is known. */
    fixedVersion: z.string().min(1).max(64).optional().meta({ description: 'Lowest version above the pinned one that fixes it, when one is known.' }),
  })
  .meta({ description: 'An advisory matched against a pinned package of a lockfile.' });
export type DependencyVulnerability = z.infer<typeof DependencyVulnerability>;

const count = (description: string) => z.number().int().min(0).max(10_000_000).meta({ description });

/** One changed lockfile: what it pins, what matched, or why it could not be read. */
export const DependencyFileResult = z
  .object({
    /** Path of the lockfile in the repository. */
    path: z.string().min(1).max(512).meta({ description: 'Path of the lockfile in the repository.' }),
    /** Its format, from the file name. */
    format: DependencyFileFormat,
    /** `audited`, or `error` when the file could not be read (then `error` says why; the audit itself still completes). */
    status: z.enum(['audited', 'error']).meta({
      description: '`audited`, or `error` when the file could not be read (then `error` says why; the audit itself still completes).',
    }),
    /** Why the file could not be read: `TOO_LARGE`, `TOO_DEEP`, `TOO_MANY_PACKAGES`, `UNPARSABLE`, `BINARY`, `LFS_POINTER`, `TIME_BUDGET`. */
    error: z
      .object({
        /** Reason code. */
        code: ReasonCode.meta({ description: 'Reason code: `TOO_LARGE`, `TOO_DEEP`, `TOO_MANY_PACKAGES`, `UNPARSABLE`, `BINARY`, `LFS_POINTER`, `TIME_BUDGET`.' }),
        /** For people: the limit or the kind of syntax problem, never the file's content. */
        message: z.string().max(200).meta({ description: "For people: the limit or the kind of syntax problem, never the file's content." }),
      })
      .optional()
      .meta({ description: 'Why the file could not be read; present exactly when `status` is `error`.' }),
    /** Pinned packages matched against the database. */
    packages: count('Pinned packages matched against the database.'),
    /** Dependencies named without a pinned version (ranges, URLs, includes, versions left to a parent POM): not matched. */
    unpinned: count('Dependencies named without a pinned version (ranges, URLs, includes, versions left to a parent POM): not matched.'),
    /** Names of the first unpinned dependencies (at most 5, each at most 100 characters). */
    unpinnedNames: z.array(z.string().min(1).max(100)).max(5).meta({ description: 'Names of the first unpinned dependencies (at most 5, each at most 100 characters).' }),
    /** Pinned packages the database has advisories for but whose version does not parse in the ecosystem's order: not checked, never clean. */
    unchecked: count("Pinned packages the database has advisories for but whose version does not parse in the ecosystem's order: not checked, never clean."),
    /** Advisories matched in this file per severity (its entries in `vulnerabilities` carry its index). */
    counts: SeverityCounts.meta({ description: 'Advisories matched in this file per severity (its entries in `vulnerabilities` carry its index).' }),
  })
  .refine((file) => (file.status === 'error') === (file.error !== undefined), { message: 'error is present exactly when status is error', path: ['error'] })
  .meta({ description: 'The dependency audit of one changed lockfile.' });
export type DependencyFileResult = z.infer<typeof DependencyFileResult>;

/**
 * The lockfiles a push changed, matched against the image scanner's OSV database, so a vulnerable
 * library is known before an image exists. Informational in this version: it does not change the
 * audit's `verdict` (that stays the secret gate).
 */
export const DependencyAudit = z
  .object({
    /** Version of the vulnerability database matched against (the `vulndbVersion` of `scan.completed`). */
    vulndbVersion: z.string().min(1).max(100).meta({
      description: 'Version of the vulnerability database matched against (the `vulndbVersion` of `scan.completed`).',
    }),
    /** Matched advisories per severity over every lockfile, including those left out of the lists. */
    counts: SeverityCounts.meta({ description: 'Matched advisories per severity over every lockfile, including those left out of the lists.' }),
    /** Of `counts`, the advisories with a known fixed version (what a fix-only policy gates on). */
    fixableCounts: SeverityCounts.meta({ description: 'Of `counts`, the advisories with a known fixed version (what a fix-only policy gates on).' }),
    /** Changed lockfiles, in path order (at most 25). */
    files: z.array(DependencyFileResult).max(25).meta({ description: 'Changed lockfiles, in path order (at most 25).' }),
    /** True when the push changed more lockfiles than `files` holds (the rest were not audited). */
    filesTruncated: z.boolean().meta({ description: 'True when the push changed more lockfiles than `files` holds (the rest were not audited).' }),
    /**
     * Matched advisories of all files, most severe first, a fixable one before an unfixable one
     * (at most 100; one list rather than one per file keeps the worst case within one Kafka message).
     */
    vulnerabilities: z.array(DependencyVulnerability).max(100).meta({
      description: 'Matched advisories of all files (`file` is the index in `files`), most severe first, a fixable one before an unfixable one (at most 100).',
    }),
    /** True when more advisories matched than `vulnerabilities` holds (`counts` has them all). */
    vulnerabilitiesTruncated: z.boolean().meta({ description: 'True when more advisories matched than `vulnerabilities` holds (`counts` has them all).' }),
    /** Wall time of reading and matching the lockfiles, in milliseconds. */
    durationMs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).meta({ description: 'Wall time of reading and matching the lockfiles, in milliseconds.' }),
  })
  .meta({
    description:
      "The lockfiles the push changed, matched against the image scanner's OSV database. Informational: does not change `verdict`.",
  });
export type DependencyAudit = z.infer<typeof DependencyAudit>;
