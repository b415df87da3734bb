import { z } from 'zod';
import { ImageReference } from '../common/image.js';
import { eventKind, HumanMessage, ReasonCode } from '../common/scalars.js';
import { RELEASE_WITHOUT_REPOSITORY, releaseHasRepository, scanReleaseFields } from '../scan-completed/scan-completed.event.js';

/**
 * An image could not be scanned. Bad input (a malformed manifest, a digest mismatch, a layer bomb)
 * ends here with a reason, so the gate can say why instead of waiting.
 */
export const ScanFailedEvent = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('scan.failed'),
    ...scanReleaseFields,
    /** The image that could not be scanned. */
    image: ImageReference.meta({ description: 'The image that could not be scanned.' }),
    /** Why: `AUTH_FAILED`, `NOT_FOUND`, `DIGEST_MISMATCH`, `MANIFEST_INVALID`, `LAYER_TOO_LARGE`, `UNSAFE_ENTRY`, `SCAN_TIMEOUT`, … (error codes of the registry client and the SBOM engine) */
    code: ReasonCode.meta({
      description: 'Why: `AUTH_FAILED`, `NOT_FOUND`, `DIGEST_MISMATCH`, `MANIFEST_INVALID`, `LAYER_TOO_LARGE`, `UNSAFE_ENTRY`, `SCAN_TIMEOUT`, … (error codes of the registry client and the SBOM engine)',
    }),
    /** Explanation for people; never contains a credential. */
    message: HumanMessage,
  })
  .refine(releaseHasRepository, { message: RELEASE_WITHOUT_REPOSITORY, path: ['repository'] })
  .meta({ description: 'An image could not be scanned.' });
export type ScanFailedEvent = z.infer<typeof ScanFailedEvent>;
