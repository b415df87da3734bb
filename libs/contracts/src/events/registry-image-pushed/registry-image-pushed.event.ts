import { z } from 'zod';
import { deliveryFields } from '../common/delivery.js';
import { ImageReference, MediaType } from '../common/image.js';
import { RepositoryRef } from '../common/repository.js';
import { eventKind } from '../common/scalars.js';

/** Registry products whose webhooks intake understands. `distribution` is the CNCF registry's notification envelope. */
export const RegistryProvider = z.enum(['harbor', 'distribution', 'dockerhub', 'ghcr', 'gitea']).meta({
  description: 'Registry product that sent the webhook (`distribution`: CNCF distribution notifications).',
});
export type RegistryProvider = z.infer<typeof RegistryProvider>;

/**
 * A registry reported a pushed manifest. Registries rarely know the git repository an image was
 * built from, so this event is about the image; `build.announced` ties an image to a release.
 */
export const RegistryImagePushedEvent = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('image.pushed'),
    ...deliveryFields,
    /** Registry product that sent the webhook. */
    source: RegistryProvider,
    /** The pushed image; `registry` is the configured registry the webhook was authenticated for, not a host from the payload. */
    image: ImageReference.meta({
      description: 'The pushed image; `registry` is the configured registry the webhook was authenticated for, not a host from the payload.',
    }),
    /** Media type of the pushed manifest or index. */
    mediaType: MediaType,
    /** Git repository the registry links the image to (GHCR and Gitea packages can), when it does. */
    repository: RepositoryRef.optional().meta({
      description: 'Git repository the registry links the image to (GHCR and Gitea packages can), when it does.',
    }),
  })
  .meta({ description: 'A registry reported a pushed image manifest or index.' });
export type RegistryImagePushedEvent = z.infer<typeof RegistryImagePushedEvent>;
