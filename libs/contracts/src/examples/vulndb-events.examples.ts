import type { VulndbUpdatedEvent } from '../events/vulndb-updated/vulndb-updated.event.js';
import { EXAMPLE_TIME } from './example-values.js';

/** A valid `vulndb.updated`. */
export function exampleVulndbUpdated(overrides: Partial<VulndbUpdatedEvent> = {}): VulndbUpdatedEvent {
  return {
    kind: 'vulndb.updated',
    version: '2025-01-15T06.00.00Z-osv',
    source: 'osv-mirror',
    recordCount: 184_220,
    sha256: '5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592',
    publishedAt: EXAMPLE_TIME,
    ...overrides,
  };
}
