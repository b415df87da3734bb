import type { ImageReference } from '../events/common/image.js';
import type { RepositoryRef } from '../events/common/repository.js';
import type { Actor } from '../events/common/actor.js';

/*
 * Fixed values, so generated docs are reproducible and tests can assert exact keys. Nothing here is
 * a real credential: the preview below is already masked, and fingerprints are hashes of nothing.
 */

/** The repository every example is about. */
export const EXAMPLE_REPOSITORY: RepositoryRef = { provider: 'github', owner: 'acme', name: 'shop-api' };
/** `before` of the example push. */
export const EXAMPLE_BEFORE_SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8';
/** `after` of the example push: the example release commit. */
export const EXAMPLE_SHA = 'a3c1f0e5d4b2a9876543210fedcba9876543210f';
/** `github/acme/shop-api@<EXAMPLE_SHA>`. */
export const EXAMPLE_RELEASE_ID = `github/acme/shop-api@${EXAMPLE_SHA}`;
/** A GitHub-style delivery id. */
export const EXAMPLE_DELIVERY_ID = '72d3162e-cc78-11e3-81ab-4c9367dc0958';
/** Digest of the example image. */
export const EXAMPLE_DIGEST = `sha256:${'4f'.repeat(32)}`;
/** The example image, built from the example release. */
export const EXAMPLE_IMAGE: ImageReference = {
  registry: 'registry.example.com',
  repository: 'acme/shop-api',
  tag: '1.4.2',
  digest: EXAMPLE_DIGEST,
};
/** Fingerprint of the example finding. */
export const EXAMPLE_FINGERPRINT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** The operator of the example commands. */
export const EXAMPLE_ACTOR: Actor = { source: 'slack', id: 'U024BE7LH', name: 'Dana Ops' };
/** Timestamp of the example events. */
export const EXAMPLE_TIME = '2025-01-15T09:30:00.000Z';
