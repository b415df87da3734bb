import { createHash, randomUUID } from 'node:crypto';
import { type BuiltDelivery, sourceDelivery } from './built-delivery.js';
import { sha256Signature } from './hmac.js';

const ZERO_SHA = '0'.repeat(40);

/** A person as GitHub names them in a commit. */
export interface GithubPerson {
  readonly name: string;
  readonly email: string;
  /** GitHub login, when the e-mail belongs to an account. */
  readonly username?: string;
}

/** One pushed commit, as `git log` knows it. */
export interface GithubPushCommit {
  readonly id: string;
  readonly message: string;
  readonly author: GithubPerson;
  /** Defaults to the author. */
  readonly committer?: GithubPerson;
  /** ISO 8601 commit time; defaults to the delivery time. */
  readonly timestamp?: string;
  readonly added?: readonly string[];
  readonly modified?: readonly string[];
  readonly removed?: readonly string[];
}

export interface GithubPushOptions {
  /** The id of the intake's `github` source: the request goes to `/v1/webhooks/<sourceId>`. */
  readonly sourceId: string;
  /** The source's webhook secret (signs the body; never written into it). */
  readonly secret: string;
  readonly owner: string;
  readonly name: string;
  /** Full ref; defaults to `refs/heads/main`. */
  readonly ref?: string;
  /** Tip before the push; the zero id (default) for a new branch. */
  readonly before?: string;
  /** Tip after the push; the zero id for a deleted branch. */
  readonly after: string;
  /** Oldest first, as GitHub lists them. Default: none for a deletion, else one commit whose id is `after`. */
  readonly commits?: readonly GithubPushCommit[];
  readonly pusher?: { readonly name: string; readonly email: string };
  readonly forced?: boolean;
  /** `X-GitHub-Delivery`; defaults to a fresh UUID (GitHub keeps it across redeliveries). */
  readonly deliveryId?: string;
  /** Web host for the payload's URLs (intake ignores every URL in it); defaults to `https://github.com`. */
  readonly webBaseUrl?: string;
  /** The delivery time; defaults to now. */
  readonly now?: Date;
}

/** A stable positive number for the payload's numeric ids (GitHub's are account/repository ids). */
function numericId(seed: string): number {
  return createHash('sha256').update(seed).digest().readUInt32BE(0);
}

function commitEntry(commit: GithubPushCommit, repoUrl: string, fallbackTime: string) {
  const person = (p: GithubPerson) => ({ name: p.name, email: p.email, ...(p.username === undefined ? {} : { username: p.username }) });
  return {
    id: commit.id,
    tree_id: createHash('sha1').update(`tree:${commit.id}`).digest('hex'),
    distinct: true,
    message: commit.message,
    timestamp: commit.timestamp ?? fallbackTime,
    url: `${repoUrl}/commit/${commit.id}`,
    author: person(commit.author),
    committer: person(commit.committer ?? commit.author),
    added: [...(commit.added ?? [])],
    removed: [...(commit.removed ?? [])],
    modified: [...(commit.modified ?? [])],
  };
}

/**
 * The `push` delivery GitHub sends for one ref update: the payload shape of GitHub's push event
 * (repository, ref, before/after, commits, head_commit, pusher, sender, created/deleted/forced,
 * compare), `X-GitHub-Event: push`, `X-GitHub-Delivery`, and `X-Hub-Signature-256` over the exact body.
 */
export function buildGithubPush(options: GithubPushOptions): BuiltDelivery {
  const now = options.now ?? new Date();
  const web = (options.webBaseUrl ?? 'https://github.com').replace(/\/+$/, '');
  const api = web === 'https://github.com' ? 'https://api.github.com' : `${web}/api/v3`;
  const { owner, name } = options;
  const fullName = `${owner}/${name}`;
  const repoUrl = `${web}/${fullName}`;
  const ref = options.ref ?? 'refs/heads/main';
  const before = options.before ?? ZERO_SHA;
  const after = options.after;
  const created = before === ZERO_SHA;
  const deleted = after === ZERO_SHA;
  const time = now.toISOString();
  const commits = (options.commits ?? (deleted ? [] : [{ id: after, message: `Update ${name}`, author: { name: owner, email: `${owner}@users.noreply.github.com`, username: owner } }])).map(
    (commit) => commitEntry(commit, repoUrl, time),
  );
  const pusher = options.pusher ?? { name: owner, email: `${owner}@users.noreply.github.com` };
  const pushedAt = Math.floor(now.getTime() / 1000);
  const ownerAccount = {
    name: owner,
    email: null,
    login: owner,
    id: numericId(`owner:${owner}`),
    node_id: `O_${numericId(`owner-node:${owner}`).toString(36)}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${numericId(`owner:${owner}`)}?v=4`,
    url: `${api}/users/${owner}`,
    html_url: `${web}/${owner}`,
    type: 'Organization',
    site_admin: false,
  };
  const payload = {
    ref,
    before,
    after,
    repository: {
      id: numericId(`repo:${fullName}`),
      node_id: `R_${numericId(`repo-node:${fullName}`).toString(36)}`,
      name,
      full_name: fullName,
      private: true,
      owner: ownerAccount,
      html_url: repoUrl,
      description: null,
      fork: false,
      url: repoUrl,
      // Push payloads carry these two as unix seconds (every other event uses ISO strings).
      created_at: pushedAt - 86_400,
      updated_at: time,
      pushed_at: pushedAt,
      git_url: `git://${new URL(web).host}/${fullName}.git`,
      ssh_url: `git@${new URL(web).host}:${fullName}.git`,
      clone_url: `${repoUrl}.git`,
      default_branch: 'main',
      master_branch: 'main',
      organization: owner,
    },
    pusher,
    sender: { login: pusher.name, id: numericId(`user:${pusher.name}`), type: 'User', site_admin: false, html_url: `${web}/${pusher.name}` },
    created,
    deleted,
    forced: options.forced ?? false,
    base_ref: null,
    compare: created || deleted ? `${repoUrl}/commit/${deleted ? before : after}` : `${repoUrl}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits,
    head_commit: deleted ? null : (commits.at(-1) ?? null),
  };
  const body = JSON.stringify(payload);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/portcullis-pipeline',
    'x-github-event': 'push',
    'x-github-delivery': options.deliveryId ?? randomUUID(),
    'x-github-hook-id': String(numericId(`hook:${fullName}`)),
    'x-github-hook-installation-target-type': 'repository',
    'x-github-hook-installation-target-id': String(payload.repository.id),
    'x-hub-signature-256': sha256Signature(options.secret, body),
  };
  return sourceDelivery('github-push', 'github', options.sourceId, headers, body);
}
