import { z } from 'zod';
import { type DeliveryContext, ignored, issuesOf, type NormaliseOutcome } from './normalise-outcome.js';
import { refUpdateToEvent } from './ref-update.js';

/*
 * Repository identity is `repository.owner.login`/`name`. `clone_url`, `ssh_url`, `html_url`,
 * `compare_url` and the deprecated `secret` field are ignored on purpose: the fetch host comes from
 * the configured Gitea/Forgejo base URL, never from a payload.
 */
const Account = z.object({ login: z.string().optional(), username: z.string().optional() });
const PushPayload = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  repository: z.object({ name: z.string(), owner: Account }),
  pusher: Account,
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
  total_commits: z.number().int().min(0).optional(),
});

function normalisePush(payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  const parsed = PushPayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const push = parsed.data;
  return refUpdateToEvent(
    {
      provider: 'gitea',
      owner: push.repository.owner.login ?? push.repository.owner.username ?? '',
      name: push.repository.name,
      ref: push.ref,
      before: push.before,
      after: push.after,
      // Gitea's push payload has no force flag.
      forced: false,
      pusher: push.pusher.login ?? push.pusher.username ?? '',
      commits: push.commits.map((c) => ({
        id: c.id,
        message: c.message,
        authorName: c.author.name,
        added: c.added ?? [],
        modified: c.modified ?? [],
      })),
      totalCommits: push.total_commits,
    },
    delivery,
  );
}

/** Gitea/Forgejo event (`X-Gitea-Event`/`X-Forgejo-Event`) and parsed payload → outcome. Handles `push` (branches and tags). */
export function normaliseGitea(eventType: string | undefined, payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  switch (eventType) {
    case 'push':
      return normalisePush(payload, delivery);
    case undefined:
      return { kind: 'invalid', issues: [{ path: '(headers)', message: 'X-Gitea-Event is missing' }] };
    default:
      return ignored(`unsupported-event:${eventType.slice(0, 64)}`);
  }
}
