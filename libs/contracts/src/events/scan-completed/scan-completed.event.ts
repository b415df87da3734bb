import { z } from 'zod';
import { ImageReference } from '../common/image.js';
import { ReleaseId } from '../common/release-id.js';
import { RepositoryRef } from '../common/repository.js';
import { eventKind } from '../common/scalars.js';
import { PolicySummary, Severity, SeverityCounts, Verdict } from '../common/severity.js';

/** An OSV-style identifier (`CVE-2024-3094`, `GHSA-xxxx-xxxx-xxxx`, `DSA-5678-1`). */
export const VulnerabilityId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : -')
  .meta({ description: 'Advisory id, e.g. `CVE-2024-3094` or `GHSA-xxxx-xxxx-xxxx`.' });

/** A package found in the image, as the vulnerability database names it. */
export const AffectedPackage = z
  .object({
    /** Package name (for Debian, the binary package; advisories are matched on its source package). */
    name: z.string().min(1).max(200).meta({
      description: 'Package name (for Debian, the binary package; advisories are matched on its source package).',
    }),
    /** Installed version, in the ecosystem's own syntax. */
    version: z.string().min(1).max(64).meta({ description: "Installed version, in the ecosystem's own syntax." }),
    /** OSV ecosystem, e.g. `Debian:12`, `Alpine:v3.20`, `npm`, `PyPI`, `Go`, `Maven`. */
    ecosystem: z.string().min(1).max(32).meta({
      description: 'OSV ecosystem, e.g. `Debian:12`, `Alpine:v3.20`, `npm`, `PyPI`, `Go`, `Maven`.',
    }),
  })
  .meta({ description: 'An installed package.' });

/** One vulnerability matched in one package. */
export const ScanVulnerability = z
  .object({
    /** Advisory id. */
    id: VulnerabilityId,
    /** Other ids of the same advisory (at most 3, the most widely known first). */
    aliases: z.array(VulnerabilityId).max(3).meta({
      description: 'Other ids of the same advisory (at most 3, the most widely known first).',
    }),
    /** The affected package. */
    package: AffectedPackage.meta({ description: 'The affected package.' }),
    /** Lowest version that fixes it, when one exists. */
    fixedVersion: z.string().min(1).max(64).optional().meta({ description: 'Lowest version that fixes it, when one exists.' }),
    /** Severity used by the policy. */
    severity: Severity.meta({ description: 'Severity used by the policy.' }),
    /** True when a suppression (`.portcullis.yaml`, `.trivyignore`, an accepted risk) excludes it from the verdict. */
    suppressed: z.boolean().meta({
      description: 'True when a suppression (`.portcullis.yaml`, `.trivyignore`, an accepted risk) excludes it from the verdict.',
    }),
  })
  .meta({ description: 'A vulnerability matched in a package of the image.' });
export type ScanVulnerability = z.infer<typeof ScanVulnerability>;

/**
 * Fields that tie a scan to a release. Both are absent for a scan no release asked for (an image
 * pushed without a build announcement).
 */
export const scanReleaseFields = {
  /** The release the scan was for, when it is tied to one. */
  releaseId: ReleaseId.optional().meta({ description: 'The release the scan was for, when it is tied to one.' }),
  /** Repository of that release; present whenever `releaseId` is (it is then the Kafka key). */
  repository: RepositoryRef.optional().meta({
    description: 'Repository of that release; present whenever `releaseId` is (it is then the Kafka key).',
  }),
};

/** The key scheme of `scan.results` relies on a release always naming its repository. */
export function releaseHasRepository(body: { releaseId?: string | undefined; repository?: unknown }): boolean {
  return body.releaseId === undefined || body.repository !== undefined;
}
/** Issue raised when `releaseHasRepository` fails. */
export const RELEASE_WITHOUT_REPOSITORY = 'repository is required when releaseId is set';

/** An image was scanned against the vulnerability database. */
export const ScanCompletedEvent = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('scan.completed'),
    ...scanReleaseFields,
    /** The scanned image, pinned by digest. */
    image: ImageReference.meta({ description: 'The scanned image, pinned by digest.' }),
    /** Platform scanned when the digest is a multi-platform index, e.g. `linux/amd64`. */
    platform: z
      .string()
      .max(64)
      .regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, 'os/arch[/variant]')
      .optional()
      .meta({ description: 'Platform scanned when the digest is a multi-platform index, e.g. `linux/amd64`.' }),
    /** Version of the vulnerability database the packages were matched against (see `vulndb.events`). */
    vulndbVersion: z.string().min(1).max(100).meta({
      description: 'Version of the vulnerability database the packages were matched against (see `vulndb.events`).',
    }),
    /** Gate outcome under `policy`. */
    verdict: Verdict.meta({ description: 'Gate outcome under `policy`.' }),
    /** Unsuppressed vulnerabilities per severity, including those `vulnerabilities` leaves out. */
    counts: SeverityCounts.meta({
      description: 'Unsuppressed vulnerabilities per severity, including those `vulnerabilities` leaves out.',
    }),
    /** Vulnerabilities, most severe first (at most 1000). */
    vulnerabilities: z.array(ScanVulnerability).max(1000).meta({
      description: 'Vulnerabilities, most severe first (at most 1000).',
    }),
    /** True when there were more vulnerabilities than `vulnerabilities` holds. */
    vulnerabilitiesTruncated: z.boolean().meta({
      description: 'True when there were more vulnerabilities than `vulnerabilities` holds.',
    }),
    /** Number of packages found in the image. */
    packageCount: z.number().int().min(0).max(10_000_000).meta({ description: 'Number of packages found in the image.' }),
    /** True when the result was reused from a scan of the same digest with the same database version. */
    cached: z.boolean().meta({
      description: 'True when the result was reused from a scan of the same digest with the same database version.',
    }),
    /** Policy the verdict was reached with. */
    policy: PolicySummary,
  })
  .refine(releaseHasRepository, { message: RELEASE_WITHOUT_REPOSITORY, path: ['repository'] })
  .meta({ description: 'An image digest was matched against the vulnerability database.' });
export type ScanCompletedEvent = z.infer<typeof ScanCompletedEvent>;
