import { z } from 'zod';
import { deliveryFields } from '../common/delivery.js';
import { ImageReference } from '../common/image.js';
import { CommitSha, RepositoryRef } from '../common/repository.js';
import { eventKind, OpaqueId } from '../common/scalars.js';

/**
 * CI announced, through the signed `POST /v1/builds`, that it built `image` from `commit`. This is
 * what ties an image digest to a release (`repository@commit`).
 */
export const RegistryBuildAnnouncedEvent = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('build.announced'),
    ...deliveryFields,
    /** Repository the image was built from. */
    repository: RepositoryRef.meta({ description: 'Repository the image was built from.' }),
    /** Commit the image was built from; with `repository` it names the release. */
    commit: CommitSha.meta({ description: 'Commit the image was built from; with `repository` it names the release.' }),
    /** The built image, pinned by digest. */
    image: ImageReference.meta({ description: 'The built image, pinned by digest.' }),
    /** CI's own id of the build, when it sent one. */
    buildId: OpaqueId.optional().meta({ description: "CI's own id of the build, when it sent one." }),
    /** Link to the build for people (shown in Slack, never fetched). */
    buildUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional()
      .meta({ description: 'Link to the build for people (shown in Slack, never fetched).' }),
  })
  .meta({ description: 'CI announced an image it built from a commit (`POST /v1/builds`).' });
export type RegistryBuildAnnouncedEvent = z.infer<typeof RegistryBuildAnnouncedEvent>;
