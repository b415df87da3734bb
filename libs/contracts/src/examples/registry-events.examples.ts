import type { RegistryBuildAnnouncedEvent } from '../events/registry-build-announced/registry-build-announced.event.js';
import type { RegistryImagePushedEvent } from '../events/registry-image-pushed/registry-image-pushed.event.js';
import { EXAMPLE_IMAGE, EXAMPLE_REPOSITORY, EXAMPLE_SHA, EXAMPLE_TIME } from './example-values.js';

/** A valid `registry.events` push reported by Harbor. */
export function exampleRegistryImagePushed(overrides: Partial<RegistryImagePushedEvent> = {}): RegistryImagePushedEvent {
  return {
    kind: 'image.pushed',
    deliveryId: 'harbor-3f9a2c71',
    receivedAt: EXAMPLE_TIME,
    source: 'harbor',
    image: { ...EXAMPLE_IMAGE },
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    ...overrides,
  };
}

/** A valid `registry.events` build announcement from CI for the example release. */
export function exampleRegistryBuildAnnounced(overrides: Partial<RegistryBuildAnnouncedEvent> = {}): RegistryBuildAnnouncedEvent {
  return {
    kind: 'build.announced',
    deliveryId: 'build-7c1d9e04',
    receivedAt: EXAMPLE_TIME,
    repository: { ...EXAMPLE_REPOSITORY },
    commit: EXAMPLE_SHA,
    image: { ...EXAMPLE_IMAGE },
    buildId: '1841',
    buildUrl: 'https://ci.example.com/acme/shop-api/builds/1841',
    ...overrides,
  };
}
