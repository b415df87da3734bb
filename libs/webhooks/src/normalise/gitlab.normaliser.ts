import { z } from 'zod';
import { type DeliveryContext, deliveryFieldsOf, ignored, issuesOf, type ScmNormaliseOutcome, scmEvent } from './normalise-outcome.js';
import { PushStyleCommits, refUpdateToEvent } from './ref-update.js';

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
  commits: PushStyleCommits,
  total_commits_count: z.number().int().min(0).optional(),
});

function splitPath(pathWithNamespace: string): { owner: string; name: string } {
  const slash = pathWithNamespace.lastIndexOf('/');
  return { owner: pathWithNamespace.slice(0, Math.max(slash, 0)), name: pathWithNamespace.slice(slash + 1) };
}

function normalisePushLike(payload: unknown, delivery: DeliveryContext): ScmNormaliseOutcome {
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
      commits: push.commits,
      totalCommits: push.total_commits_count,
    },
    delivery,
  );
}

/*
 * Merge requests. The repository is `project.path_with_namespace` (the project the hook belongs
 * to, the target); a fork is named by `object_attributes.source.path_with_namespace` when
 * `source_project_id` differs. The hook has no target-branch commit, so `base.sha` is omitted
 * (the contract allows that), and no author login (only `author_id`): `author` is the acting
 * user's username for `open` (the author then) and empty otherwise.
 */
const MergeRequestPayload = z.object({
  user: z.object({ username: z.string() }).nullish(),
  project: z.object({ path_with_namespace: z.string() }),
  object_attributes: z.object({
    iid: z.number(),
    title: z.string(),
    action: z.string().optional(),
    source_branch: z.string(),
    target_branch: z.string(),
    source_project_id: z.number().nullish(),
    target_project_id: z.number().nullish(),
    source: z.object({ path_with_namespace: z.string() }).nullish(),
    last_commit: z.object({ id: z.string() }),
    // Present only when the update brought new commits (GitLab docs).
    oldrev: z.string().nullish(),
  }),
});

const MR_ACTIONS: Readonly<Record<string, 'opened' | 'reopened' | 'closed' | 'merged'>> = {
  open: 'opened',
  reopen: 'reopened',
  close: 'closed',
  merge: 'merged',
};

function normaliseMergeRequest(payload: unknown, delivery: DeliveryContext): ScmNormaliseOutcome {
  const parsed = MergeRequestPayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const { user, project, object_attributes: mr } = parsed.data;
  const verb = mr.action ?? '';
  const action = verb === 'update' ? (mr.oldrev ? 'synchronize' : undefined) : MR_ACTIONS[verb];
  if (action === undefined) return ignored(verb === 'update' ? 'merge_request.update-without-new-commits' : `merge_request.${verb.slice(0, 32)}`);
  const fromFork = mr.source != null && mr.source_project_id != null && mr.source_project_id !== mr.target_project_id;
  return scmEvent({
    kind: 'pull_request',
    ...deliveryFieldsOf(delivery),
    repository: { provider: 'gitlab', ...splitPath(project.path_with_namespace) },
    action,
    number: mr.iid,
    title: mr.title.slice(0, 256),
    author: verb === 'open' ? (user?.username ?? '').slice(0, 200) : '',
    head: { ref: `refs/heads/${mr.source_branch}`, sha: mr.last_commit.id.toLowerCase() },
    base: { ref: `refs/heads/${mr.target_branch}` },
    ...(fromFork && mr.source != null ? { headRepository: { provider: 'gitlab', ...splitPath(mr.source.path_with_namespace) } } : {}),
  });
}

/*
 * Pipeline Hook: informational, like GitHub's `workflow_run` (builds are announced through
 * `POST /v1/builds`). Checked for the fields a consumer would need, so a malformed delivery is still
 * answered `invalid`; `object_attributes.url`, `project.web_url` and every other URL are not read.
 */
const PipelinePayload = z.object({
  object_attributes: z.object({ status: z.string() }),
  project: z.object({ path_with_namespace: z.string() }),
});

function normalisePipeline(payload: unknown): ScmNormaliseOutcome {
  const parsed = PipelinePayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  return ignored(`pipeline.${parsed.data.object_attributes.status.slice(0, 32)}:informational`);
}

/**
 * GitLab event (`X-Gitlab-Event`) and parsed payload → outcome. Handles `Push Hook`, `Tag Push
 * Hook` and `Merge Request Hook` (open, reopen, close, merge, and update with new commits →
 * `synchronize`; approvals and other updates are `ignored`). Merge request events carry no `base.sha`.
 * `Pipeline Hook` is `ignored` as `pipeline.<status>:informational` (`invalid` when malformed).
 */
export function normaliseGitlab(eventType: string | undefined, payload: unknown, delivery: DeliveryContext): ScmNormaliseOutcome {
  switch (eventType) {
    case 'Push Hook':
    case 'Tag Push Hook':
      return normalisePushLike(payload, delivery);
    case 'Merge Request Hook':
      return normaliseMergeRequest(payload, delivery);
    case 'Pipeline Hook':
      return normalisePipeline(payload);
    case undefined:
      return { kind: 'invalid', issues: [{ path: '(headers)', message: 'X-Gitlab-Event is missing' }] };
    default:
      return ignored(`unsupported-event:${eventType.slice(0, 64)}`);
  }
}
