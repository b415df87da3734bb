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
 * Only the fields below are read. Repository identity is `owner.login`/`name`; every URL in the
 * payload (clone_url, git_url, ssh_url, html_url, url, …) is ignored on purpose: whoever can make
 * GitHub send a payload (or holds the webhook secret) must not be able to choose the host the
 * auditor later fetches from. Clone URLs are built from the configured provider base URL and this
 * identity (ARCHITECTURE §5.2, issue #3).
 */
const Account = z.object({ login: z.string().optional(), name: z.string().nullish() });
const Repository = z.object({ name: z.string(), owner: Account });

const PushPayload = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  forced: z.boolean().optional(),
  repository: Repository,
  pusher: z.object({ name: z.string() }),
  commits: PushStyleCommits,
});

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
    user: z.object({ login: z.string() }),
    head: PullRequestSide,
    base: PullRequestSide,
  }),
});

function ownerOf(repository: z.infer<typeof Repository>): string {
  return repository.owner.login ?? repository.owner.name ?? '';
}

function normalisePush(payload: unknown, delivery: DeliveryContext): ScmNormaliseOutcome {
  const parsed = PushPayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const push = parsed.data;
  return refUpdateToEvent(
    {
      provider: 'github',
      owner: ownerOf(push.repository),
      name: push.repository.name,
      ref: push.ref,
      before: push.before,
      after: push.after,
      forced: push.forced ?? false,
      pusher: push.pusher.name,
      // GitHub lists commits oldest first and does not say how many the push had beyond them.
      commits: push.commits,
    },
    delivery,
  );
}

const PR_ACTIONS = new Set(['opened', 'synchronize', 'reopened', 'closed']);

function normalisePullRequest(payload: unknown, delivery: DeliveryContext): ScmNormaliseOutcome {
  const action = z.object({ action: z.string() }).safeParse(payload);
  if (action.success && !PR_ACTIONS.has(action.data.action)) return ignored(`pull_request.${action.data.action}`);
  const parsed = PullRequestPayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const { repository, pull_request: pr, number } = parsed.data;
  const owner = ownerOf(repository);
  const headRepo = pr.head.repo;
  const fromFork = headRepo != null && (ownerOf(headRepo) !== owner || headRepo.name !== repository.name);
  return scmEvent({
    kind: 'pull_request',
    ...deliveryFieldsOf(delivery),
    repository: { provider: 'github', owner, name: repository.name },
    action: parsed.data.action === 'closed' ? (pr.merged === true ? 'merged' : 'closed') : parsed.data.action,
    number,
    title: pr.title.slice(0, 256),
    author: pr.user.login.slice(0, 200),
    head: { ref: `refs/heads/${pr.head.ref}`, sha: pr.head.sha.toLowerCase() },
    base: { ref: `refs/heads/${pr.base.ref}`, sha: pr.base.sha.toLowerCase() },
    ...(fromFork ? { headRepository: { provider: 'github', owner: ownerOf(headRepo), name: headRepo.name } } : {}),
  });
}

/*
 * `package` and `registry_package` (GitHub Packages). Only container packages (GHCR) are images.
 * The image path is `<owner login>/<package name>`, lower-cased as GHCR does; `package_url`,
 * `installation_command`, `html_url` and `manifest.uri` are ignored: the registry host is the
 * configured one (`DeliveryContext.registryId`, e.g. `ghcr.io`).
 */
const PackageVersion = z.object({
  name: z.string().nullish(),
  version: z.string().nullish(),
  container_metadata: z
    .object({
      tag: z.object({ name: z.string().nullish(), digest: z.string().nullish() }).nullish(),
      manifest: z.object({ digest: z.string().nullish(), media_type: z.string().nullish() }).nullish(),
    })
    .nullish(),
});
const Package = z.object({
  name: z.string(),
  package_type: z.string().nullish(),
  ecosystem: z.string().nullish(),
  owner: Account,
  package_version: PackageVersion.nullish(),
});
const PackagePayload = z.object({
  action: z.string(),
  package: Package.optional(),
  registry_package: Package.optional(),
  repository: Repository.nullish(),
});

const CONTAINER_TYPES = new Set(['container', 'docker']);

function normalisePackage(payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  const parsed = PackagePayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const { action, repository } = parsed.data;
  const pkg = parsed.data.package ?? parsed.data.registry_package;
  if (pkg === undefined) return { kind: 'invalid', issues: [{ path: 'package', message: 'package or registry_package is required' }] };
  if (action !== 'published') return ignored(`package.${action.slice(0, 32)}`);
  // `package_type` is the precise field (`CONTAINER` for GHCR, `docker` for the old docker.pkg.github.com); `ecosystem` is coarser.
  if (!CONTAINER_TYPES.has((pkg.package_type ?? pkg.ecosystem ?? '').toLowerCase())) return ignored('package-not-a-container');
  const version = pkg.package_version;
  const metadata = version?.container_metadata;
  // The manifest digest, else the tag's, else the version name (GHCR names container versions by digest).
  const digest = [metadata?.manifest?.digest, metadata?.tag?.digest, version?.name, version?.version].find(
    (candidate) => candidate != null && ImageDigest.safeParse(candidate).success,
  );
  if (digest == null) return ignored('package-without-digest');
  return imagePushedEvent(
    {
      source: 'ghcr',
      repository: `${ownerOf({ name: pkg.name, owner: pkg.owner })}/${pkg.name}`.toLowerCase(),
      digest,
      tag: metadata?.tag?.name,
      mediaType: metadata?.manifest?.media_type ?? UNKNOWN_MEDIA_TYPE,
      gitRepository: repository == null ? undefined : { provider: 'github', owner: ownerOf(repository), name: repository.name },
    },
    delivery,
  );
}

/**
 * GitHub event (`X-GitHub-Event`) and parsed payload → outcome. Handles `push` (branches and
 * tags), `pull_request`, `ping`, and `package`/`registry_package` `published` for container
 * packages (→ `image.pushed` on registry.events; needs `registryId`). `workflow_run` is `ignored`
 * (informational for now: builds are announced through `POST /v1/builds`); every other event is `ignored`.
 */
export function normaliseGithub(eventType: string | undefined, payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  switch (eventType) {
    case 'ping':
      return { kind: 'ping' };
    case 'push':
      return normalisePush(payload, delivery);
    case 'pull_request':
      return normalisePullRequest(payload, delivery);
    case 'package':
    case 'registry_package':
      return normalisePackage(payload, delivery);
    case 'workflow_run': {
      const action = z.object({ action: z.string() }).safeParse(payload);
      return ignored(`workflow_run.${action.success ? action.data.action.slice(0, 32) : 'unknown'}:informational`);
    }
    case undefined:
      return { kind: 'invalid', issues: [{ path: '(headers)', message: 'X-GitHub-Event is missing' }] };
    default:
      return ignored(`unsupported-event:${eventType.slice(0, 64)}`);
  }
}
