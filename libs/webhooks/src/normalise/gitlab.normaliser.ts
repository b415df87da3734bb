import { z } from 'zod';
import { type DeliveryContext, ignored, issuesOf, type NormaliseOutcome } from './normalise-outcome.js';
import { refUpdateToEvent } from './ref-update.js';

/*
 * Repository identity is `project.path_with_namespace` (group/subgroup/project). The payload's
 * URLs (git_http_url, git_ssh_url, web_url, homepage, …) are ignored on purpose: the host the
 * auditor fetches from comes from the configured GitLab base URL, never from a payload.
 */
const PushPayload = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  user_username: z.string().nullish(),
  user_name: z.string(),
  project: z.object({ path_with_namespace: z.string() }),
  commits: z
    .array(
      z.object({
        id: z.string(),
        message: z.string(),
        author: z.object({ name: z.string() }),
        added: z.array(z.string()).nullish(),
        modified: z.array(z.string()).nullish(),
      }),
    )
    .default([]),
  total_commits_count: z.number().int().min(0).optional(),
});

function splitPath(pathWithNamespace: string): { owner: string; name: string } {
  const slash = pathWithNamespace.lastIndexOf('/');
  return { owner: pathWithNamespace.slice(0, Math.max(slash, 0)), name: pathWithNamespace.slice(slash + 1) };
}

function normalisePushLike(payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  const parsed = PushPayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const push = parsed.data;
  return refUpdateToEvent(
    {
      provider: 'gitlab',
      ...splitPath(push.project.path_with_namespace),
      ref: push.ref,
      before: push.before,
      after: push.after,
      // GitLab does not report force pushes in its push hook.
      forced: false,
      pusher: push.user_username ?? push.user_name,
      // GitLab lists at most 20 commits (the newest), oldest first; `total_commits_count` has the real number.
      commits: push.commits.map((c) => ({
        id: c.id,
        message: c.message,
        authorName: c.author.name,
        added: c.added ?? [],
        modified: c.modified ?? [],
      })),
      totalCommits: push.total_commits_count,
    },
    delivery,
  );
}

/**
 * GitLab event (`X-Gitlab-Event`) and parsed payload → outcome. Handles `Push Hook` and
 * `Tag Push Hook`. `Merge Request Hook` is recognised but ignored: GitLab's payload carries no
 * target-branch commit, and `scm.events` requires `base.sha` (see README, open points).
 */
export function normaliseGitlab(eventType: string | undefined, payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  switch (eventType) {
    case 'Push Hook':
    case 'Tag Push Hook':
      return normalisePushLike(payload, delivery);
    case 'Merge Request Hook':
      return ignored('merge-request-base-sha-unavailable');
    case undefined:
      return { kind: 'invalid', issues: [{ path: '(headers)', message: 'X-Gitlab-Event is missing' }] };
    default:
      return ignored(`unsupported-event:${eventType.slice(0, 64)}`);
  }
}
