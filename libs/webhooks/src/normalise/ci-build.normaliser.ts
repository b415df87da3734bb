import { z } from 'zod';
import { type DeliveryContext, deliveryFieldsOf, invalid, issuesOf, type NormaliseOutcome, registryEvent } from './normalise-outcome.js';
import { MISSING_REGISTRY_ID } from './registry-image.js';

/**
 * Body of CI's `POST /v1/builds`:
 * `{ repository: { provider, owner, name }, commit, image: "registry/repo[:tag]@sha256:…", buildId?, buildUrl? }`.
 * Field grammars (provider, owner, commit, digest, …) are checked by the `build.announced` contract.
 */
export const CiBuildRequest = z.object({
  repository: z.object({ provider: z.string(), owner: z.string(), name: z.string() }),
  commit: z.string(),
  /** Pinned image reference, as `docker pull` takes it: `registry/path[:tag]@sha256:<64 hex>`. */
  image: z.string().max(512),
  buildId: z.string().optional(),
  buildUrl: z.string().optional(),
});
export type CiBuildRequest = z.infer<typeof CiBuildRequest>;

interface ParsedReference {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest: string;
}

/** `registry/path[:tag]@digest` → parts, or undefined when it is not pinned by digest or has no registry. */
export function parseImageReference(reference: string): ParsedReference | undefined {
  const at = reference.indexOf('@');
  if (at === -1) return undefined;
  const name = reference.slice(0, at);
  const digest = reference.slice(at + 1);
  const slash = name.indexOf('/');
  if (slash === -1) return undefined;
  const registry = name.slice(0, slash);
  const path = name.slice(slash + 1);
  const colon = path.lastIndexOf(':');
  // A colon after the last slash separates the tag (registry ports are in `registry`, not in `path`).
  const tagged = colon > path.lastIndexOf('/');
  return {
    registry,
    repository: tagged ? path.slice(0, colon) : path,
    ...(tagged ? { tag: path.slice(colon + 1) } : {}),
    digest,
  };
}

/**
 * CI build announcement → `build.announced`. The image's registry must be the registry configured
 * for this CI source (`DeliveryContext.registryId`): an announcement naming any other host is
 * `invalid`, so a CI credential cannot make Portcullis track images on a registry it never
 * configured. `buildUrl` is carried for people and never fetched.
 */
export function normaliseCiBuild(_eventType: string | undefined, payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  const parsed = CiBuildRequest.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  if (delivery.registryId === undefined) return invalid('(context).registryId', MISSING_REGISTRY_ID);
  const build = parsed.data;
  const reference = parseImageReference(build.image);
  if (reference === undefined) return invalid('image', 'an image reference pinned by digest: registry/path[:tag]@sha256:<64 hex>');
  if (reference.registry.toLowerCase() !== delivery.registryId.toLowerCase()) {
    return invalid('image', 'the image is not on the registry configured for this source');
  }
  return registryEvent({
    kind: 'build.announced',
    ...deliveryFieldsOf(delivery),
    repository: build.repository,
    commit: build.commit.toLowerCase(),
    image: { ...reference, registry: delivery.registryId },
    ...(build.buildId === undefined ? {} : { buildId: build.buildId }),
    ...(build.buildUrl === undefined ? {} : { buildUrl: build.buildUrl }),
  });
}
