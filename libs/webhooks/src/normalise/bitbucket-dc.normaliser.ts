import { z } from 'zod';
import {
  combineOutcomes,
  type DeliveryContext,
  deliveryFieldsOf,
  ignored,
  invalid,
  issuesOf,
  type NormaliseOutcome,
  scmEvent,
} from './normalise-outcome.js';
import { refUpdateToEvent } from './ref-update.js';

/*
 * Bitbucket Data Center (and Server). Repository identity is `project.key`/`repository.slug`, the
 * two path segments of every Bitbucket DC URL. `links.clone[].href`, `links.self[].href` and every
 * other URL are ignored on purpose: the fetch host comes from the configured base URL.
 */
const User = z.object({ slug: z.string().nullish(), name: z.string().nullish(), displayName: z.string().nullish() });
const Repository = z.object({ slug: z.string(), project: z.object({ key: z.string() }) });

const RefsChangedPayload = z.object({
  actor: User,
  repository: Repository,
  changes: z.array(
    z.object({
      refId: z.string(),
      fromHash: z.string(),
      toHash: z.string(),
      type: z.string(),
    }),
  ),
});

const PullRequestRef = z.object({ id: z.string(), latestCommit: z.string(), repository: Repository });
const PullRequestPayload = z.object({
  pullRequest: z.object({
    id: z.number(),
    title: z.string(),
    author: z.object({ user: User }),
    fromRef: PullRequestRef,
    toRef: PullRequestRef,
  }),
});

function loginOf(user: z.infer<typeof User>): string {
  return user.slug ?? user.name ?? user.displayName ?? '';
}

/** Personal projects have keys like `~jsmith`, which the contracts' owner grammar does not admit. */
function isPersonal(repository: z.infer<typeof Repository>): boolean {
  return repository.project.key.startsWith('~');
}

function identityOf(repository: z.infer<typeof Repository>): { provider: 'bitbucket-dc'; owner: string; name: string } {
  return { provider: 'bitbucket-dc', owner: repository.project.key, name: repository.slug };
}

function normaliseRefsChanged(payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  const parsed = RefsChangedPayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const { actor, repository, changes } = parsed.data;
  if (isPersonal(repository)) return ignored('personal-project-unsupported');
  const { provider, owner, name } = identityOf(repository);
  const parts = changes.map(
    (change): NormaliseOutcome =>
      // ADD has fromHash = zeros and DELETE toHash = zeros, so before/after carry the change type.
      refUpdateToEvent(
        {
          provider,
          owner,
          name,
          ref: change.refId,
          before: change.fromHash,
          after: change.toHash,
          // Bitbucket DC does not say whether an UPDATE was a fast-forward.
          forced: false,
          pusher: loginOf(actor),
          // The documented payload lists no commits and no paths: the auditor walks git.
          commits: [],
          commitsTruncated: change.type !== 'DELETE',
          pathsUnknown: true,
        },
        delivery,
      ),
  );
  return combineOutcomes(parts, 'changes', 'no-changes');
}

const PR_ACTIONS: Readonly<Record<string, 'opened' | 'synchronize' | 'merged' | 'closed' | 'reopened'>> = {
  'pr:opened': 'opened',
  // `modified` covers a changed target branch (and title/description edits); `from_ref_updated` is new commits.
  'pr:modified': 'synchronize',
  'pr:from_ref_updated': 'synchronize',
  'pr:merged': 'merged',
  'pr:declined': 'closed',
  'pr:reopened': 'reopened',
};

function normalisePullRequest(
  action: 'opened' | 'synchronize' | 'merged' | 'closed' | 'reopened',
  payload: unknown,
  delivery: DeliveryContext,
): NormaliseOutcome {
  const parsed = PullRequestPayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const pr = parsed.data.pullRequest;
  const target = pr.toRef.repository;
  const source = pr.fromRef.repository;
  if (isPersonal(target)) return ignored('personal-project-unsupported');
  const fromFork = source.project.key !== target.project.key || source.slug !== target.slug;
  if (fromFork && isPersonal(source)) return ignored('personal-project-unsupported');
  return scmEvent({
    kind: 'pull_request',
    ...deliveryFieldsOf(delivery),
    repository: identityOf(target),
    action,
    number: pr.id,
    title: pr.title.slice(0, 256),
    author: loginOf(pr.author.user).slice(0, 200),
    head: { ref: pr.fromRef.id, sha: pr.fromRef.latestCommit.toLowerCase() },
    base: { ref: pr.toRef.id, sha: pr.toRef.latestCommit.toLowerCase() },
    ...(fromFork ? { headRepository: identityOf(source) } : {}),
  });
}

/**
 * Bitbucket Data Center event (`X-Event-Key`) and parsed payload → outcome. `repo:refs_changed`
 * becomes one `push`/`tag` event per change (`events`); `pr:opened|modified|from_ref_updated|
 * merged|declined|reopened` become `pull_request` events; `diagnostics:ping` (the "Test
 * connection" button) is a `ping`; everything else is `ignored`.
 */
export function normaliseBitbucketDataCenter(eventType: string | undefined, payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  if (eventType === undefined) return invalid('(headers)', 'X-Event-Key is missing');
  if (eventType === 'diagnostics:ping') return { kind: 'ping' };
  if (eventType === 'repo:refs_changed') return normaliseRefsChanged(payload, delivery);
  const action = PR_ACTIONS[eventType];
  if (action !== undefined) return normalisePullRequest(action, payload, delivery);
  return ignored(`unsupported-event:${eventType.slice(0, 64)}`);
}
