import { ImageTag, type RegistryProvider, type RepositoryRef } from '@portcullis/contracts';
import { type DeliveryContext, deliveryFieldsOf, invalid, type NormaliseOutcome, registryEvent } from './normalise-outcome.js';

/**
 * Media type for registries whose webhooks do not say what was pushed (Harbor, Docker Hub): the
 * registry.events contract requires one, so this marks it unknown. A consumer that cares fetches
 * the manifest by digest (from the configured registry) and reads its real media type.
 */
export const UNKNOWN_MEDIA_TYPE = 'application/octet-stream';

/** Media types of manifests and indexes: a distribution `push` of anything else is a blob (a layer, a config). */
export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);

export const MISSING_REGISTRY_ID = 'registry sources need the configured registry id (DeliveryContext.registryId)';

export interface PushedImage {
  readonly source: RegistryProvider;
  /** Repository path inside the registry, from the payload's repository name fields. */
  readonly repository: string;
  readonly digest: string;
  /** Dropped when it is not an OCI tag (Harbor reports a push by digest with the digest as "tag"). */
  readonly tag?: string | null | undefined;
  readonly mediaType: string;
  readonly gitRepository?: RepositoryRef | undefined;
}

/**
 * An `image.pushed` body. `image.registry` is always the configured registry id from the delivery
 * context, never a host named in the payload (resource_url, request.host, callback_url, …).
 */
export function imagePushedEvent(image: PushedImage, delivery: DeliveryContext): NormaliseOutcome {
  if (delivery.registryId === undefined) return invalid('(context).registryId', MISSING_REGISTRY_ID);
  const tag = image.tag != null && ImageTag.safeParse(image.tag).success ? image.tag : undefined;
  return registryEvent({
    kind: 'image.pushed',
    ...deliveryFieldsOf(delivery),
    source: image.source,
    image: { registry: delivery.registryId, repository: image.repository, ...(tag === undefined ? {} : { tag }), digest: image.digest },
    mediaType: image.mediaType,
    ...(image.gitRepository === undefined ? {} : { repository: image.gitRepository }),
  });
}
