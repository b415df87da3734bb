import { ImageDigest } from '@portcullis/contracts';
import { z } from 'zod';
import {
  type DeliveryContext,
  deliveryFieldsOf,
  ignored,
  issuesOf,
  type NormaliseOutcome,
  type ScmNormaliseOutcome,
  scmEvent,
} from './normalise-outcome.js';
import { PushStyleCommits, refUpdateToEvent } from './ref-update.js';
import { imagePushedEvent, UNKNOWN_MEDIA_TYPE } from './registry-image.js';

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
  commits: PushStyleCommits,
  total_commits: z.number().int().min(0).optional(),
});

const Repository = z.object({ name: z.string(), owner: Account });
const PullRequestSide = z.object({
  ref: z.string(),
  sha: z.string(),
  // Null when the fork was deleted.
  repo: Repository.nullish(),
});
const PullRequestPayload = z.object({
  action: z.string(),
  number: z.number(),
  repository: Repository,
  pull_request: z.object({
    title: z.string(),
    merged: z.boolean().nullish(),
    user: Account,
    head: PullRequestSide,
    base: PullRequestSide,
  }),
});

function ownerOf(repository: z.infer<typeof Repository>): string {
  return repository.owner.login ?? repository.owner.username ?? '';
}

/** Gitea's vocabulary → the contract's (`synchronized` is Gitea's word for new commits on the head). */
const PR_ACTIONS: Readonly<Record<string, 'opened' | 'synchronize' | 'reopened' | 'closed'>> = {
  opened: 'opened',
  synchronized: 'synchronize',
  reopened: 'reopened',
  closed: 'closed',
};

function normalisePullRequest(payload: unknown, delivery: DeliveryContext): ScmNormaliseOutcome {
  const action = z.object({ action: z.string() }).safeParse(payload);
  if (action.success && PR_ACTIONS[action.data.action] === undefined) return ignored(`pull_request.${action.data.action.slice(0, 64)}`);
  const parsed = PullRequestPayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const { repository, pull_request: pr, number } = parsed.data;
  const mapped = PR_ACTIONS[parsed.data.action] ?? 'opened';
  const owner = ownerOf(repository);
  const headRepo = pr.head.repo;
  const fromFork = headRepo != null && (ownerOf(headRepo) !== owner || headRepo.name !== repository.name);
  return scmEvent({
    kind: 'pull_request',
    ...deliveryFieldsOf(delivery),
    repository: { provider: 'gitea', owner, name: repository.name },
    action: mapped === 'closed' && pr.merged === true ? 'merged' : mapped,
    number,
    title: pr.title.slice(0, 256),
    author: (pr.user.login ?? pr.user.username ?? '').slice(0, 200),
    head: { ref: `refs/heads/${pr.head.ref}`, sha: pr.head.sha.toLowerCase() },
    base: { ref: `refs/heads/${pr.base.ref}`, sha: pr.base.sha.toLowerCase() },
    ...(fromFork ? { headRepository: { provider: 'gitea', owner: ownerOf(headRepo), name: headRepo.name } } : {}),
  });
}

function normalisePush(payload: unknown, delivery: DeliveryContext): ScmNormaliseOutcome {
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
      commits: push.commits,
      totalCommits: push.total_commits,
    },
    delivery,
  );
}

/*
 * `package` (Gitea's `PackagePayload`, modules/structs/hook.go; `Package`, modules/structs/package.go).
 * Only `created` container packages are images. The image path is `<package owner login>/<package
 * name>`, lower-cased as the registry does; `html_url` and every other URL are ignored: the registry
 * host is the configured one (`DeliveryContext.registryId`). Gitea's `Package` has no digest field:
 * `version` is the reference the manifest was pushed with, a tag or, for a push by digest, the digest
 * (routers/api/packages/container). So a tag push carries no digest and is ignored; a push by digest
 * becomes `image.pushed` without a tag. Gitea sends no media type either.
 */
const PackagePayload = z.object({
  action: z.string(),
  package: z.object({
    type: z.string(),
    name: z.string(),
    version: z.string(),
    owner: Account,
    repository: Repository.nullish(),
  }),
  repository: Repository.nullish(),
});

function normalisePackage(payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  const parsed = PackagePayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const { action, package: pkg } = parsed.data;
  if (action !== 'created') return ignored(`package.${action.slice(0, 32)}`);
  if (pkg.type.toLowerCase() !== 'container') return ignored('package-not-a-container');
  const owner = pkg.owner.login ?? pkg.owner.username ?? '';
  if (owner === '') return { kind: 'invalid', issues: [{ path: 'package.owner.login', message: 'the package owner login is required' }] };
  if (!ImageDigest.safeParse(pkg.version).success) return ignored('gitea-package-without-digest');
  const gitRepository = pkg.repository ?? parsed.data.repository;
  return imagePushedEvent(
    {
      source: 'gitea',
      repository: `${owner}/${pkg.name}`.toLowerCase(),
      // One reference per version: the digest here, so there is no tag to carry.
      digest: pkg.version,
      mediaType: UNKNOWN_MEDIA_TYPE,
      gitRepository: gitRepository == null ? undefined : { provider: 'gitea', owner: ownerOf(gitRepository), name: gitRepository.name },
    },
    delivery,
  );
}

/**
 * Gitea/Forgejo event (`X-Gitea-Event`/`X-Forgejo-Event`) and parsed payload → outcome. Handles
 * `push` (branches and tags), `pull_request` (opened, synchronized, reopened, closed/merged;
 * other actions are `ignored`) and `package` `created` for container packages pushed by digest
 * (→ `image.pushed`, source `gitea`; needs `registryId`). A container version named by a tag carries
 * no digest: `ignored: gitea-package-without-digest`.
 */
export function normaliseGitea(eventType: string | undefined, payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  switch (eventType) {
    case 'push':
      return normalisePush(payload, delivery);
    case 'pull_request':
      return normalisePullRequest(payload, delivery);
    case 'package':
      return normalisePackage(payload, delivery);
    case undefined:
      return { kind: 'invalid', issues: [{ path: '(headers)', message: 'X-Gitea-Event is missing' }] };
    default:
      return ignored(`unsupported-event:${eventType.slice(0, 64)}`);
  }
}
