import { z } from 'zod';
import { ImageReference } from '../common/image.js';
import { ReleaseId } from '../common/release-id.js';
import { RepositoryRef } from '../common/repository.js';
import { EnvironmentName, eventKind, HumanMessage, IsoDateTime, ReasonCode } from '../common/scalars.js';
import { Severity } from '../common/severity.js';

/** Where a release stands in one environment. */
export const ReleaseState = z
  .enum(['waiting', 'blocked', 'approved', 'deploying', 'succeeded', 'failed', 'rolled_back', 'superseded'])
  .meta({ description: 'State of a release in one environment.' });
export type ReleaseState = z.infer<typeof ReleaseState>;

/** The checks a release passes before it deploys. `image-tests`: the `imageTests:` of `.portcullis.yaml`, run against each image. */
export const GateName = z.enum(['secrets', 'image-scan', 'image-tests', 'manifest-policy', 'approval']).meta({
  description: 'A deploy gate. `image-tests`: the `imageTests:` of `.portcullis.yaml`, run against each image.',
});
export type GateName = z.infer<typeof GateName>;

/** One thing that blocks a release, precise enough to act on. */
export const BlockingItem = z
  .object({
    /** Gate that blocks. */
    gate: GateName.meta({ description: 'Gate that blocks.' }),
    /** Rule id, advisory id or policy rule that fired. */
    id: z.string().min(1).max(100).meta({ description: 'Rule id, advisory id or policy rule that fired.' }),
    /** Severity, when the gate has one. */
    severity: Severity.optional().meta({ description: 'Severity, when the gate has one.' }),
    /** Where: `path:line`, image reference, or `Kind/namespace/name field` for manifest violations. */
    location: z.string().max(300).meta({
      description: 'Where: `path:line`, image reference, or `Kind/namespace/name field` for manifest violations.',
    }),
  })
  .meta({ description: 'One thing that blocks the release.' });
export type BlockingItem = z.infer<typeof BlockingItem>;

const total = (description: string) => z.number().int().min(0).max(10_000_000).meta({ description });

/** Why a release is blocked, in numbers and the first few items. */
export const BlockingSummary = z
  .object({
    /** Blocking secret findings. */
    secrets: total('Blocking secret findings.'),
    /** Blocking vulnerabilities, over all images of the release. */
    vulnerabilities: total('Blocking vulnerabilities, over all images of the release.'),
    /** Manifest policy violations. */
    policyViolations: total('Manifest policy violations.'),
    /** Image tests that failed or did not run, over all images of the release; absent from older orchestrators. */
    imageTests: total('Image tests that failed or did not run, over all images of the release; absent from older orchestrators.').optional(),
    /** The most severe blocking items (at most 20). */
    items: z.array(BlockingItem).max(20).meta({ description: 'The most severe blocking items (at most 20).' }),
  })
  .meta({ description: 'What blocks the release.' });
export type BlockingSummary = z.infer<typeof BlockingSummary>;

/**
 * A release changed state in one environment. Published on every transition, with `sequence`
 * increasing per release and environment, so a consumer that sees an older sequence after a newer
 * one can ignore it.
 */
export const ReleaseTransitionEvent = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('release.transition'),
    /** The release. */
    releaseId: ReleaseId.meta({ description: 'The release.' }),
    /** Its repository (the Kafka key). */
    repository: RepositoryRef.meta({ description: 'Its repository (the Kafka key).' }),
    /** Environment the transition happened in. */
    environment: EnvironmentName,
    /** 1 for the first transition of this release in this environment, then +1 each time. */
    sequence: z.number().int().min(1).max(1_000_000).meta({
      description: '1 for the first transition of this release in this environment, then +1 each time.',
    }),
    /** State before; `null` for the first transition. */
    from: ReleaseState.nullable().meta({ description: 'State before; `null` for the first transition.' }),
    /** State after. */
    to: ReleaseState.meta({ description: 'State after.' }),
    /** Machine-readable reason (`WaitingForScan`, `GateBlocked`, `Approved`, `RolloutComplete`, `ProgressDeadlineExceeded`, `AutomaticRollback`, `Superseded`, …). */
    reason: ReasonCode.meta({
      description:
        'Machine-readable reason (`WaitingForScan`, `GateBlocked`, `Approved`, `RolloutComplete`, `ProgressDeadlineExceeded`, `AutomaticRollback`, `Superseded`, …).',
    }),
    /** Explanation for people. */
    message: HumanMessage,
    /** Gates still pending, for `waiting`. */
    waitingFor: z.array(GateName).max(5).optional().meta({ description: 'Gates still pending, for `waiting`.' }),
    /** What blocks it, for `blocked`. */
    blocking: BlockingSummary.optional().meta({ description: 'What blocks it, for `blocked`.' }),
    /** Deployment strategy of the environment. */
    strategy: z.enum(['rolling', 'blue-green']).meta({ description: 'Deployment strategy of the environment.' }),
    /** Images of the release, pinned to the scanned digests that are (or would be) applied. */
    images: z.array(ImageReference).max(20).meta({
      description: 'Images of the release, pinned to the scanned digests that are (or would be) applied.',
    }),
    /** For `superseded`: the newer release; for `rolled_back`: the release traffic went back to. */
    relatedReleaseId: ReleaseId.optional().meta({
      description: 'For `superseded`: the newer release; for `rolled_back`: the release traffic went back to.',
    }),
    /** When the orchestrator observed the new state. */
    observedAt: IsoDateTime.meta({ description: 'When the orchestrator observed the new state.' }),
  })
  .meta({ description: 'A release changed state in one environment.' });
export type ReleaseTransitionEvent = z.infer<typeof ReleaseTransitionEvent>;
