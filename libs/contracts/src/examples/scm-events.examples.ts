import type { ScmPullRequestEvent } from '../events/scm-pull-request/scm-pull-request.event.js';
import type { ScmPushEvent } from '../events/scm-push/scm-push.event.js';
import type { ScmTagEvent } from '../events/scm-tag/scm-tag.event.js';
import { EXAMPLE_BEFORE_SHA, EXAMPLE_DELIVERY_ID, EXAMPLE_REPOSITORY, EXAMPLE_SHA, EXAMPLE_TIME } from './example-values.js';

/** A valid `scm.events` push of one commit to `main`; `overrides` replace top-level fields. */
export function exampleScmPush(overrides: Partial<ScmPushEvent> = {}): ScmPushEvent {
  return {
    kind: 'push',
    deliveryId: EXAMPLE_DELIVERY_ID,
    receivedAt: EXAMPLE_TIME,
    repository: { ...EXAMPLE_REPOSITORY },
    ref: 'refs/heads/main',
    before: EXAMPLE_BEFORE_SHA,
    after: EXAMPLE_SHA,
    forced: false,
    pusher: 'octocat',
    commits: [{ sha: EXAMPLE_SHA, title: 'Add payment webhook handler', author: 'Mona Lisa Octocat' }],
    totalCommits: 1,
    commitsTruncated: false,
    changedPaths: ['src/payments/webhook.ts', 'deploy/k8s/deployment.yaml'],
    pathsTruncated: false,
    ...overrides,
  };
}

/** A valid `scm.events` tag creation. */
export function exampleScmTag(overrides: Partial<ScmTagEvent> = {}): ScmTagEvent {
  return {
    kind: 'tag',
    deliveryId: EXAMPLE_DELIVERY_ID,
    receivedAt: EXAMPLE_TIME,
    repository: { ...EXAMPLE_REPOSITORY },
    action: 'created',
    ref: 'refs/tags/v1.4.2',
    sha: EXAMPLE_SHA,
    pusher: 'octocat',
    ...overrides,
  };
}

/** A valid `scm.events` pull request opened from a branch of the same repository. */
export function exampleScmPullRequest(overrides: Partial<ScmPullRequestEvent> = {}): ScmPullRequestEvent {
  return {
    kind: 'pull_request',
    deliveryId: EXAMPLE_DELIVERY_ID,
    receivedAt: EXAMPLE_TIME,
    repository: { ...EXAMPLE_REPOSITORY },
    action: 'opened',
    number: 42,
    title: 'Add payment webhook handler',
    author: 'octocat',
    head: { ref: 'refs/heads/feature/payments', sha: EXAMPLE_SHA },
    base: { ref: 'refs/heads/main', sha: EXAMPLE_BEFORE_SHA },
    ...overrides,
  };
}
