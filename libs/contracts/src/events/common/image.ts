import { z } from 'zod';

/** `sha256:<64 hex>`: the only digest algorithm registries use in practice, so the only one we accept. */
export const ImageDigest = z
  .string()
  .length(71)
  .regex(/^sha256:[0-9a-f]{64}$/, 'sha256:<64 lower-case hex>')
  .meta({ description: 'Content digest, `sha256:<64 hex>`.' });
export type ImageDigest = z.infer<typeof ImageDigest>;

/**
 * A registry host exactly as configured in the platform (`registry.example.com:5000`, `docker.io`).
 * The scanner only ever connects to configured registries, so a payload cannot pick a host.
 */
export const RegistryHost = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/, 'a lower-case host name with optional :port')
  .meta({ description: 'Registry host as configured in the platform, e.g. `registry.example.com:5000`.' });

/** Repository path grammar of the OCI distribution spec. */
export const ImageRepositoryPath = z
  .string()
  .min(1)
  .max(255)
  .regex(
    /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/,
    'an OCI repository path (lower-case, / between components)',
  )
  .meta({ description: 'Repository path inside the registry, e.g. `acme/shop-api`.' });

/** Tag grammar of the OCI distribution spec. */
export const ImageTag = z
  .string()
  .max(128)
  .regex(/^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/, 'an OCI tag')
  .meta({ description: 'Tag, e.g. `1.4.2`.' });

/** `type/subtype` media type, e.g. `application/vnd.oci.image.index.v1+json`. */
export const MediaType = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/, 'a media type, type/subtype')
  .meta({ description: 'Media type of the manifest, e.g. `application/vnd.oci.image.manifest.v1+json`.' });

/**
 * An image pinned by digest. The tag is informational (what a person pushed); every decision is
 * made on the digest, because tags move.
 */
export const ImageReference = z
  .object({
    /** Registry host as configured in the platform. */
    registry: RegistryHost,
    /** Repository path inside the registry. */
    repository: ImageRepositoryPath,
    /** Tag the image was pushed or announced with, when there was one. */
    tag: ImageTag.optional().meta({ description: 'Tag the image was pushed or announced with, when there was one.' }),
    /** Content digest of the manifest (or index) the tag pointed at. */
    digest: ImageDigest.meta({ description: 'Content digest of the manifest (or index) the tag pointed at.' }),
  })
  .meta({ description: 'An image pinned by digest.' });
export type ImageReference = z.infer<typeof ImageReference>;

/** `registry/repository`: the key of image-scoped events when no git repository is known. */
export function imageRepositoryKey(image: Pick<ImageReference, 'registry' | 'repository'>): string {
  return `${image.registry}/${image.repository}`;
}

/** `registry/repository@sha256:…`: one image, as `docker pull` accepts it. */
export function imageDigestKey(image: Pick<ImageReference, 'registry' | 'repository' | 'digest'>): string {
  return `${imageRepositoryKey(image)}@${image.digest}`;
}

/** `registry/repository[:tag]@sha256:…` for people: shows the tag when known, still pinned. */
export function formatImageReference(image: ImageReference): string {
  return `${imageRepositoryKey(image)}${image.tag ? `:${image.tag}` : ''}@${image.digest}`;
}
