import { z } from 'zod';
import { eventKind, IsoDateTime, Sha256Hex } from '../common/scalars.js';

/**
 * A new vulnerability database version is complete and ready. Workers switch to it atomically
 * (never scanning with a partial database) and deployed digests are re-matched against it.
 */
export const VulndbUpdatedEvent = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('vulndb.updated'),
    /** Version id; `scan.completed.vulndbVersion` refers to it. Sorts by time. */
    version: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : -')
      .meta({ description: 'Version id; `scan.completed.vulndbVersion` refers to it. Sorts by time.' }),
    /** Configured id of the source it was imported from (never a URL, which may hold credentials). */
    source: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits and . _ -')
      .meta({ description: 'Configured id of the source it was imported from (never a URL, which may hold credentials).' }),
    /** Number of advisories in this version. */
    recordCount: z.number().int().min(0).max(100_000_000).meta({ description: 'Number of advisories in this version.' }),
    /** SHA-256 of the bundle workers load; they verify it before switching. */
    sha256: Sha256Hex.meta({ description: 'SHA-256 of the bundle workers load; they verify it before switching.' }),
    /** When this version became available to workers. */
    publishedAt: IsoDateTime.meta({ description: 'When this version became available to workers.' }),
  })
  .meta({ description: 'A new vulnerability database version is ready.' });
export type VulndbUpdatedEvent = z.infer<typeof VulndbUpdatedEvent>;
