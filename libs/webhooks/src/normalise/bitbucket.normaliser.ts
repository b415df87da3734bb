import { ZERO_SHA } from '@portcullis/contracts';
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
 * Bitbucket Cloud. Repository identity is `repository.full_name` (`workspace/repo-slug`); `name` is
 * a display name (it may contain spaces) and is not used. Every `links.*.href` in the payload is
 * ignored on purpose: the fetch host comes from the configured Bitbucket base URL, never from a payload.
 */
const FULL_SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/i;

const Account = z.object({
  nickname: z.string().nullish(),
  username: z.string().nullish(),
  display_name: z.string().nullish(),
});
const Repository = z.object({ full_name: z.string() });

const RefState = z.object({
  type: z.string(),
  name: z.string(),
  target: z.object({ hash: z.string() }),
});
const Commit = z.object({
  hash: z.string(),
  message: z.string().default(''),
  // Real payloads send `{ raw: 'Name <email>', user: account }`; the documentation example sends the account itself.
  author: Account.extend({ raw: z.string().nullish(), user: Account.nullish() }).nullish(),
});
const Change = z.object({
  new: RefState.nullish(),
  old: RefState.nullish(),
  forced: z.boolean().default(false),
  truncated: z.boolean().default(false),
  commits: z.array(Commit).default([]),
});
const PushPayload = z.object({
  actor: Account,
  repository: Repository,
  push: z.object({ changes: z.array(Change) }),
});

const PullRequestSide = z.object({
  branch: z.object({ name: z.string() }),
  commit: z.object({ hash: z.string() }).nullish(),
  // Null when the fork was deleted.
  repository: Repository.nullish(),
});
const PullRequestPayload = z.object({
  repository: Repository,
  pullrequest: z.object({
    id: z.number(),
    title: z.string(),
    author: Account,
    source: PullRequestSide,
    destination: PullRequestSide,
  }),
});

/** `workspace/slug` → owner and name. */
export function splitFullName(fullName: string): { owner: string; name: string } {
  const slash = fullName.lastIndexOf('/');
  return { owner: fullName.slice(0, Math.max(slash, 0)), name: fullName.slice(slash + 1) };
}

function loginOf(account: z.infer<typeof Account> | null | undefined): string {
  return account?.nickname ?? account?.username ?? account?.display_name ?? '';
}

/** `Name <email>` → `Name`: the email is not carried into events. */
function authorNameOf(commit: z.infer<typeof Commit>): string {
  const named = commit.author?.user?.display_name ?? commit.author?.display_name;
  if (named) return named;
  const raw = commit.author?.raw ?? '';
  const lt = raw.indexOf('<');
  return (lt === -1 ? raw : raw.slice(0, lt)).trim();
}

function fullRefOf(state: z.infer<typeof RefState>): string | undefined {
  if (state.type === 'branch' || state.type === 'named_branch') return `refs/heads/${state.name}`;
  if (state.type === 'tag') return `refs/tags/${state.name}`;
  return undefined;
}

function normalisePush(payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  const parsed = PushPayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const { actor, repository, push } = parsed.data;
  const identity = splitFullName(repository.full_name);
  const parts = push.changes.map((change): NormaliseOutcome => {
    const side = change.new ?? change.old;
    if (side == null) return invalid('new', 'a change needs `new` or `old`');
    const ref = fullRefOf(side);
    if (ref === undefined) return ignored('unsupported-ref');
    return refUpdateToEvent(
      {
        provider: 'bitbucket',
        ...identity,
        ref,
        // `created`: no `old`; `closed` (deleted): no `new`.
        before: change.old?.target.hash ?? ZERO_SHA,
        after: change.new?.target.hash ?? ZERO_SHA,
        forced: change.forced,
        pusher: loginOf(actor),
        // Bitbucket lists at most 5 commits, newest first; `truncated` says there were more.
        commits: [...change.commits].reverse().map((c) => ({ id: c.hash, message: c.message, authorName: authorNameOf(c), added: [], modified: [] })),
        commitsTruncated: change.truncated,
        pathsUnknown: true,
      },
      delivery,
    );
  });
  return combineOutcomes(parts, 'push.changes', 'no-changes');
}

const PR_ACTIONS: Readonly<Record<string, 'opened' | 'synchronize' | 'merged' | 'closed'>> = {
  'pullrequest:created': 'opened',
  // Bitbucket sends `updated` for new commits and for title/description edits alike; the auditor is idempotent per head commit.
  'pullrequest:updated': 'synchronize',
  'pullrequest:fulfilled': 'merged',
  'pullrequest:rejected': 'closed',
};

function normalisePullRequest(action: 'opened' | 'synchronize' | 'merged' | 'closed', payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  const parsed = PullRequestPayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const { repository, pullrequest: pr } = parsed.data;
  const headSha = pr.source.commit?.hash ?? '';
  // Bitbucket Cloud sends 12-character abbreviated hashes here; a release is never keyed by an abbreviation.
  if (!FULL_SHA.test(headSha)) return ignored('pull-request-head-sha-abbreviated');
  const baseSha = pr.destination.commit?.hash ?? '';
  const headRepo = pr.source.repository;
  const fromFork = headRepo != null && headRepo.full_name !== repository.full_name;
  return scmEvent({
    kind: 'pull_request',
    ...deliveryFieldsOf(delivery),
    repository: { provider: 'bitbucket', ...splitFullName(repository.full_name) },
    action,
    number: pr.id,
    title: pr.title.slice(0, 256),
    author: loginOf(pr.author).slice(0, 200),
    head: { ref: `refs/heads/${pr.source.branch.name}`, sha: headSha.toLowerCase() },
    base: { ref: `refs/heads/${pr.destination.branch.name}`, ...(FULL_SHA.test(baseSha) ? { sha: baseSha.toLowerCase() } : {}) },
    ...(fromFork ? { headRepository: { provider: 'bitbucket', ...splitFullName(headRepo.full_name) } } : {}),
  });
}

/**
 * Bitbucket Cloud event (`X-Event-Key`) and parsed payload → outcome. `repo:push` becomes one
 * `push`/`tag` event per ref change (`events`); `pullrequest:created|updated|fulfilled|rejected`
 * become `pull_request` events; everything else is `ignored`.
 */
export function normaliseBitbucketCloud(eventType: string | undefined, payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  if (eventType === undefined) return invalid('(headers)', 'X-Event-Key is missing');
  if (eventType === 'repo:push') return normalisePush(payload, delivery);
  const action = PR_ACTIONS[eventType];
  if (action !== undefined) return normalisePullRequest(action, payload, delivery);
  return ignored(`unsupported-event:${eventType.slice(0, 64)}`);
}
