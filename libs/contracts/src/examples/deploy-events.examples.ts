import type { ReleaseTransitionEvent } from '../events/release-transition/release-transition.event.js';
import { EXAMPLE_IMAGE, EXAMPLE_RELEASE_ID, EXAMPLE_REPOSITORY, EXAMPLE_TIME } from './example-values.js';

/** A valid `release.transition`: the example release blocked in `production` by its secret finding. */
export function exampleReleaseTransition(overrides: Partial<ReleaseTransitionEvent> = {}): ReleaseTransitionEvent {
  return {
    kind: 'release.transition',
    releaseId: EXAMPLE_RELEASE_ID,
    repository: { ...EXAMPLE_REPOSITORY },
    environment: 'production',
    sequence: 2,
    from: 'waiting',
    to: 'blocked',
    reason: 'GateBlocked',
    message: 'The secrets gate failed: 1 high finding (policy fails on high and above).',
    blocking: {
      secrets: 1,
      vulnerabilities: 0,
      policyViolations: 0,
      items: [{ gate: 'secrets', id: 'github-pat', severity: 'high', location: 'src/payments/webhook.ts:12' }],
    },
    strategy: 'blue-green',
    images: [{ ...EXAMPLE_IMAGE }],
    observedAt: EXAMPLE_TIME,
    ...overrides,
  };
}
