import { randomUUID } from 'node:crypto';
import { type BuiltDelivery, sourceDelivery } from './built-delivery.js';

/** The media type the registry's notification endpoints post with. */
export const DISTRIBUTION_EVENTS_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';

/** What `docker push` / `oras push` of an OCI image manifest creates. */
export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';

export interface DistributionPushOptions {
  /** The id of the intake's `distribution` source: the request goes to `/v1/webhooks/<sourceId>`. */
  readonly sourceId: string;
  /**
   * The whole `Authorization` value the registry's notification endpoint is configured to send
   * (e.g. `Bearer <token>`); the intake compares it with the source's secret. Never put in the body.
   */
  readonly authorization: string;
  /** `host:port` the image was pushed to (`request.host`); intake takes the registry from its own configuration, not from here. */
  readonly registryHost: string;
  /** Image path inside the registry, e.g. `acme/shop-api`. */
  readonly repository: string;
  /** Manifest digest, `sha256:<64 hex>`. */
  readonly digest: string;
  readonly tag?: string;
  /** Defaults to the OCI image manifest. */
  readonly mediaType?: string;
  /** Manifest size in bytes; defaults to a plausible value (intake does not read it). */
  readonly size?: number;
  /** The registry user that pushed; defaults to none (anonymous push). */
  readonly actor?: string;
  /** The event's id; defaults to a fresh UUID, which also makes every envelope (and its delivery id) unique. */
  readonly eventId?: string;
  readonly now?: Date;
}

/**
 * The notification a CNCF distribution registry (`registry:2`) sends for a manifest push: an
 * envelope with one `push` event (target mediaType/digest/size/length/repository/tag/url, request,
 * actor, source), the registry's events media type, and the configured `Authorization` header.
 * Distribution sends no delivery id, so intake's id is the body hash.
 */
export function buildDistributionPush(options: DistributionPushOptions): BuiltDelivery {
  const now = options.now ?? new Date();
  const size = options.size ?? 1_024;
  const event = {
    id: options.eventId ?? randomUUID(),
    timestamp: now.toISOString(),
    action: 'push',
    target: {
      mediaType: options.mediaType ?? OCI_MANIFEST_MEDIA_TYPE,
      size,
      digest: options.digest,
      length: size,
      repository: options.repository,
      url: `http://${options.registryHost}/v2/${options.repository}/manifests/${options.digest}`,
      ...(options.tag === undefined ? {} : { tag: options.tag }),
    },
    request: {
      id: randomUUID(),
      addr: '127.0.0.1:0',
      host: options.registryHost,
      method: 'PUT',
      useragent: 'containerd/2.0 portcullis-pipeline',
    },
    actor: options.actor === undefined ? {} : { name: options.actor },
    source: { addr: `${options.registryHost}`, instanceID: 'portcullis-pipeline' },
  };
  const body = JSON.stringify({ events: [event] });
  const headers = { 'content-type': DISTRIBUTION_EVENTS_MEDIA_TYPE, authorization: options.authorization, 'user-agent': 'Go-http-client/1.1' };
  return sourceDelivery('distribution-push', 'distribution', options.sourceId, headers, body);
}
