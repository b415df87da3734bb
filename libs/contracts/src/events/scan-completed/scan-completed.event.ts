import { z } from 'zod';
import { ImageReference } from '../common/image.js';
import { ReleaseId } from '../common/release-id.js';
import { RepositoryRef } from '../common/repository.js';
import { eventKind, ReasonCode, Sha256Hex } from '../common/scalars.js';
import { PolicySummary, Severity, SeverityCounts, Verdict } from '../common/severity.js';
import { TriageState } from '../common/triage-state.js';

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

/** A `sha256:` digest (of a layer blob). */
const LayerDigest = z
  .string()
  .max(100)
  .regex(/^sha256:[0-9a-f]{64}$/, 'sha256:<64 hex>')
  .meta({ description: 'Digest of the layer blob, `sha256:<64 hex>`.' });

/**
 * A secret baked into the image: in a layer's file (even one a later layer deleted: the layer
 * still ships it), in the config's environment or in a build step's command line. Redacted as a
 * repository finding is (`audit.completed` findings): a keyed fingerprint and a masked preview,
 * never the value.
 */
export const ImageSecretFinding = z
  .object({
    /** Id of the rule that matched (e.g. `github-pat`, `aws-access-key-id`). */
    ruleId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : -')
      .meta({ description: 'Id of the rule that matched (e.g. `github-pat`, `aws-access-key-id`).' }),
    /** Severity the rule assigns. */
    severity: Severity.meta({ description: 'Severity the rule assigns.' }),
    /** `layer`: a file of a layer; `env`: the config's `Env`; `history`: a build step's `created_by`. */
    source: z.enum(['layer', 'env', 'history']).meta({
      description: "`layer`: a file of a layer; `env`: the config's `Env`; `history`: a build step's `created_by`.",
    }),
    /** The layer holding the file (or created by the build step); absent for `env`. */
    layerDigest: LayerDigest.optional().meta({ description: 'The layer holding the file (or created by the build step); absent for `env`.' }),
    /** Path of the file in the image (no leading `/`), or `config.env[NAME]`, or `history[i]` (0-based). */
    path: z.string().min(1).max(512).meta({
      description: 'Path of the file in the image (no leading `/`), or `config.env[NAME]`, or `history[i]` (0-based).',
    }),
    /** 1-based line of the match in the file (1 for env and history). */
    line: z.number().int().min(1).max(100_000_000).meta({ description: '1-based line of the match in the file (1 for env and history).' }),
    /** HMAC-SHA256 (hex) of the secret value under the platform key: the same as for the same secret in a repository. */
    fingerprint: Sha256Hex.meta({
      description: 'HMAC-SHA256 (hex) of the secret value under the platform key: the same as for the same secret in a repository.',
    }),
    /** The matched text with the secret masked by at least three `*`; never the value. */
    preview: z
      .string()
      .max(120)
      .regex(/\*{3}/, 'a masked preview containing ***')
      .meta({ description: 'The matched text with the secret masked by at least three `*`; never the value.' }),
    /** True when a later layer deletes the file (whiteout or opaque directory): gone from the filesystem, still in the image. */
    deletedLater: z.boolean().meta({
      description: 'True when a later layer deletes the file (whiteout or opaque directory): gone from the filesystem, still in the image.',
    }),
    /** Triage state of the fingerprint (org-wide, shared with repository findings) when the scan was reported. */
    triage: TriageState.meta({ description: 'Triage state of the fingerprint (org-wide, shared with repository findings) when the scan was reported.' }),
    /** True when triage, a `secrets:` suppression or ignored path of `.portcullis.yaml` keeps it out of the verdict. */
    suppressed: z.boolean().meta({
      description: 'True when triage, a `secrets:` suppression or ignored path of `.portcullis.yaml` keeps it out of the verdict.',
    }),
  })
  .meta({ description: 'A redacted secret found in an image.' });
export type ImageSecretFinding = z.infer<typeof ImageSecretFinding>;

/** A file of a layer the secret scan did not read, and why: the gap is reported, never silent. */
export const ImageSecretSkip = z
  .object({
    /** The layer holding the file. */
    layerDigest: LayerDigest.meta({ description: 'The layer holding the file.' }),
    /** Path of the file in the image. */
    path: z.string().min(1).max(512).meta({ description: 'Path of the file in the image.' }),
    /** Why: `TOO_LARGE`, `TIME_BUDGET`, `IMAGE_BYTES_BUDGET`, `IMAGE_TIME_BUDGET`, `PATH_TOO_LONG`, … */
    reason: ReasonCode.meta({ description: 'Why: `TOO_LARGE`, `TIME_BUDGET`, `IMAGE_BYTES_BUDGET`, `IMAGE_TIME_BUDGET`, `PATH_TOO_LONG`, …' }),
  })
  .meta({ description: 'A layer file the secret scan did not read.' });
export type ImageSecretSkip = z.infer<typeof ImageSecretSkip>;

const secretCount = (description: string) => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).meta({ description });

/** The secret scan of an image's layers, environment and build history, judged by the repository's `secrets:` policy. */
export const ImageSecretsSection = z
  .object({
    /** `fail` when a finding that counts reaches `policy.failOn`; `error` when the `secrets:` policy was invalid. Also folded into the event's `verdict`. */
    verdict: Verdict.meta({
      description: "`fail` when a finding that counts reaches `policy.failOn`; `error` when the `secrets:` policy was invalid. Also folded into the event's `verdict`.",
    }),
    /** Findings that count (not suppressed) per severity, including those `findings` leaves out. */
    counts: SeverityCounts.meta({ description: 'Findings that count (not suppressed) per severity, including those `findings` leaves out.' }),
    /** Findings, most severe first, counted before suppressed (at most 50: the message also carries 1000 vulnerabilities). */
    findings: z.array(ImageSecretFinding).max(50).meta({
      description: 'Findings, most severe first, counted before suppressed (at most 50: the message also carries 1000 vulnerabilities).',
    }),
    /** True when there were more findings than `findings` holds. */
    findingsTruncated: z.boolean().meta({ description: 'True when there were more findings than `findings` holds.' }),
    /** Files not read per reason (`BINARY` included), over all layers, most frequent first (at most 20 reasons). */
    skipped: z
      .array(
        z
          .object({
            /** Why: `BINARY`, `TOO_LARGE`, `TIME_BUDGET`, `IMAGE_BYTES_BUDGET`, … */
            reason: ReasonCode.meta({ description: 'Why: `BINARY`, `TOO_LARGE`, `TIME_BUDGET`, `IMAGE_BYTES_BUDGET`, …' }),
            /** Files skipped for it. */
            files: secretCount('Files skipped for it.'),
          })
          .meta({ description: 'Files skipped for one reason.' }),
      )
      .max(20)
      .meta({ description: 'Files not read per reason (`BINARY` included), over all layers, most frequent first (at most 20 reasons).' }),
    /** Files not read, binaries left out (they are only counted), at most 20. */
    skips: z.array(ImageSecretSkip).max(20).meta({ description: 'Files not read, binaries left out (they are only counted), at most 20.' }),
    /** True when more files were skipped (binaries aside) than `skips` holds. */
    skipsTruncated: z.boolean().meta({ description: 'True when more files were skipped (binaries aside) than `skips` holds.' }),
    /** The `secrets:` policy of `.portcullis.yaml` at the built commit (the platform default otherwise). */
    policy: PolicySummary,
    /** How much was scanned. */
    stats: z
      .object({
        /** Layers of the image. */
        layers: secretCount('Layers of the image.'),
        /** Layer files handed to the engine. */
        files: secretCount('Layer files handed to the engine.'),
        /** Bytes of those files. */
        bytes: secretCount('Bytes of those files.'),
      })
      .meta({ description: 'How much was scanned.' }),
  })
  .meta({ description: 'Secrets baked into the image, redacted.' });
export type ImageSecretsSection = z.infer<typeof ImageSecretsSection>;

/** One declared image test's outcome. */
export const ImageTestResultItem = z
  .object({
    /** Stable id: `metadata.<check>`, `content.forbid.<preset>`, `content.mustExist`, `content.mustNotExist`, `content.file.<id>`, `command.<id>`. */
    id: z.string().min(1).max(80).meta({
      description: 'Stable id: `metadata.<check>`, `content.forbid.<preset>`, `content.mustExist`, `content.mustNotExist`, `content.file.<id>`, `command.<id>`.',
    }),
    /** What kind of check it is. */
    kind: z.enum(['metadata', 'content', 'command']).meta({ description: 'What kind of check it is.' }),
    /** `not-run`: the check could not be made (no runner, a runner failure); it never counts as passed. */
    status: z.enum(['passed', 'failed', 'not-run']).meta({ description: '`not-run`: the check could not be made (no runner, a runner failure); it never counts as passed.' }),
    /** Why it failed or did not run, for people (at most 200 characters); never a secret value or command output. */
    reason: z.string().max(200).optional().meta({ description: 'Why it failed or did not run, for people (at most 200 characters); never a secret value or command output.' }),
  })
  .meta({ description: 'One image test and its outcome.' });
export type ImageTestResultItem = z.infer<typeof ImageTestResultItem>;

/** Results `ImageTestsSection.results` carries at most (the message also carries 1000 vulnerabilities and 50 secrets). */
export const MAX_IMAGE_TEST_RESULTS = 50;
/** Longest `reason` of a result and longest problem. */
export const MAX_IMAGE_TEST_REASON = 200;

const testCount = (description: string) => z.number().int().min(0).max(100_000).meta({ description });

/**
 * The image tests the repository declares in `.portcullis.yaml` (`imageTests:`) at the built
 * commit, run against this image: its own gate (`image-tests`), not folded into `verdict`.
 */
export const ImageTestsSection = z
  .object({
    /** `failed` when a test failed or the `imageTests:` section is invalid (`problems`); `incomplete` when nothing failed but a test did not run; `passed` otherwise. */
    verdict: z.enum(['passed', 'failed', 'incomplete']).meta({
      description: '`failed` when a test failed or the `imageTests:` section is invalid (`problems`); `incomplete` when nothing failed but a test did not run; `passed` otherwise.',
    }),
    /** Tests that passed. */
    passed: testCount('Tests that passed.'),
    /** Tests that failed. */
    failed: testCount('Tests that failed.'),
    /** Tests that did not run. */
    notRun: testCount('Tests that did not run.'),
    /** Every test's outcome, failures first, then not-run, then passed (at most 50). */
    results: z.array(ImageTestResultItem).max(MAX_IMAGE_TEST_RESULTS).meta({ description: 'Every test\'s outcome, failures first, then not-run, then passed (at most 50).' }),
    /** True when there were more results than `results` holds. */
    resultsTruncated: z.boolean().meta({ description: 'True when there were more results than `results` holds.' }),
    /** Why the `imageTests:` section is invalid (each with its path, at most 10); no test ran, and the verdict is `failed`. */
    problems: z.array(z.string().min(1).max(200)).max(10).optional().meta({
      description: 'Why the `imageTests:` section is invalid (each with its path, at most 10); no test ran, and the verdict is `failed`.',
    }),
  })
  .meta({ description: 'The image tests of `.portcullis.yaml` run against the image.' });
export type ImageTestsSection = z.infer<typeof ImageTestsSection>;

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

/** An image was scanned against the vulnerability database (and, when configured, for secrets). */
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
    /** Gate outcome: `fail` when the vulnerabilities fail under `policy` or `secrets.verdict` is `fail`; `error` when either policy was invalid. */
    verdict: Verdict.meta({ description: 'Gate outcome: `fail` when the vulnerabilities fail under `policy` or `secrets.verdict` is `fail`; `error` when either policy was invalid.' }),
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
    /**
     * Secrets found in the image (layers, environment, build history). Absent when the scanner
     * does not scan for secrets (no fingerprint key configured) and in results of older scanners.
     */
    secrets: ImageSecretsSection.optional().meta({
      description: 'Secrets found in the image (layers, environment, build history). Absent when the scanner does not scan for secrets and in results of older scanners.',
    }),
    /**
     * The repository's image tests (`imageTests:` in `.portcullis.yaml` at the built commit), a
     * gate of their own. Absent for a scan no release asked for, a repository that declares none,
     * and results of older scanners.
     */
    imageTests: ImageTestsSection.optional().meta({
      description:
        "The repository's image tests (`imageTests:` in `.portcullis.yaml` at the built commit), a gate of their own (not folded into `verdict`). Absent for a scan no release asked for, a repository that declares none, and results of older scanners.",
    }),
  })
  .refine(releaseHasRepository, { message: RELEASE_WITHOUT_REPOSITORY, path: ['repository'] })
  .meta({ description: 'An image digest was matched against the vulnerability database.' });
export type ScanCompletedEvent = z.infer<typeof ScanCompletedEvent>;
