import { type RepositoryRef } from '@portcullis/contracts';
import { CI_SIGNATURE_HEADER, CI_TIMESTAMP_HEADER, type CiBuildRequest, deliveryIdOf } from '@portcullis/webhooks';
import { type BuiltDelivery, sealDelivery } from './built-delivery.js';
import { sha256Signature } from './hmac.js';

/** Header naming the CI source when intake has more than one (mirrors webhook-intake's `CI_SOURCE_HEADER`). */
export const CI_SOURCE_HEADER = 'x-portcullis-source';

/** How the CI source authenticates: HMAC over `"<timestamp>.<body>"` (the default scheme) or a bearer token (`use: bearer`). */
export type CiBuildAuth = { readonly kind: 'hmac'; readonly secret: string } | { readonly kind: 'bearer'; readonly token: string };

/** An image pinned by digest. */
export interface PinnedImage {
  /** `host:port`; must be the intake CI source's `baseUrl` host, else intake answers 422. */
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest: string;
}

export interface CiBuildOptions {
  readonly auth: CiBuildAuth;
  /** Sent as `X-Portcullis-Source`; only needed when intake has several `ci` sources. */
  readonly sourceId?: string;
  /** The git repository the image was built from. */
  readonly repository: RepositoryRef;
  /** The full commit sha it was built from: with `repository`, the release. */
  readonly commit: string;
  readonly image: PinnedImage;
  readonly buildId?: string;
  readonly buildUrl?: string;
  /** Signing time (`X-Portcullis-Timestamp`); intake accepts ±300 s around its clock. Defaults to now. */
  readonly now?: Date;
}

/** `registry/path[:tag]@digest`, the reference `docker pull` takes and `POST /v1/builds` requires. */
export function pinnedReference(image: PinnedImage): string {
  return `${image.registry}/${image.repository}${image.tag === undefined ? '' : `:${image.tag}`}@${image.digest}`;
}

/**
 * CI's `POST /v1/builds`: the announcement that image `digest` was built from `commit` of
 * `repository`, the only delivery that ties an image to a release. Signed as
 * `X-Portcullis-Signature: sha256=HMAC(secret, "<ts>.<body>")` with `X-Portcullis-Timestamp: <ts>`,
 * or sent with `Authorization: Bearer <token>`. No delivery id header: intake's id is the body hash,
 * so the same announcement sent twice is one delivery.
 */
export function buildCiBuildAnnouncement(options: CiBuildOptions): BuiltDelivery {
  const request: CiBuildRequest = {
    repository: { provider: options.repository.provider, owner: options.repository.owner, name: options.repository.name },
    commit: options.commit,
    image: pinnedReference(options.image),
    ...(options.buildId === undefined ? {} : { buildId: options.buildId }),
    ...(options.buildUrl === undefined ? {} : { buildUrl: options.buildUrl }),
  };
  const body = JSON.stringify(request);
  const timestamp = String(Math.floor((options.now ?? new Date()).getTime() / 1000));
  const auth: Record<string, string> =
    options.auth.kind === 'hmac'
      ? { [CI_TIMESTAMP_HEADER]: timestamp, [CI_SIGNATURE_HEADER]: sha256Signature(options.auth.secret, timestamp, '.', body) }
      : { authorization: `Bearer ${options.auth.token}` };
  const headers = {
    'content-type': 'application/json',
    ...auth,
    ...(options.sourceId === undefined ? {} : { [CI_SOURCE_HEADER]: options.sourceId }),
  };
  return sealDelivery({
    kind: 'ci-build',
    method: 'POST',
    path: '/v1/builds',
    headers,
    body,
    deliveryId: deliveryIdOf('ci', headers, Buffer.from(body, 'utf8')).id,
  });
}
