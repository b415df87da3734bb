import { GitError } from './git.error.js';

/** Username + token for a provider, e.g. `x-access-token` + a GitHub App token. */
export interface GitCredentials {
  username: string;
  /** Sensitive: never logged, never put in a URL or an argv. */
  token: string;
}

/**
 * Where a provider's repositories are fetched from. Comes from validated service config, never
 * from a webhook payload.
 */
export interface GitHostConfig {
  /** Base URL the repositories live under, e.g. `https://github.com` or `https://git.example.com/gitlab`. */
  baseUrl: string;
  /** Allow a plain `http://` base URL (local test servers only). Default false. */
  allowInsecureHttp?: boolean;
  /** Sent as an HTTP Basic `Authorization` header through git's environment. */
  credentials?: GitCredentials;
}

/** A repository on a host: `owner` may hold GitLab subgroups (`group/sub`), `name` is one segment. */
export interface GitRepositoryId {
  owner: string;
  name: string;
}

// A leading '.' is fine (`.github` repositories); a leading '-' could be read as an option.
const SEGMENT = /^[A-Za-z0-9_.][A-Za-z0-9._-]*$/;
const MAX_OWNER = 200;
const MAX_NAME = 100;
const MAX_OWNER_SEGMENTS = 20;

function segmentProblem(segment: string): string | undefined {
  if (segment.length === 0) return 'empty path segment';
  if (!SEGMENT.test(segment)) return 'only letters, digits, . _ - allowed, not starting with -';
  if (segment === '.' || segment.includes('..')) return "'.' and '..' not allowed";
  if (/\.(git|atom)$/i.test(segment)) return 'must not end in .git or .atom';
  return undefined;
}

/** Why `owner` is not a safe owner path, or undefined when it is. */
export function ownerProblem(owner: string): string | undefined {
  if (owner.length === 0 || owner.length > MAX_OWNER) return `length must be 1..${MAX_OWNER}`;
  const segments = owner.split('/');
  if (segments.length > MAX_OWNER_SEGMENTS) return `at most ${MAX_OWNER_SEGMENTS} path segments`;
  for (const segment of segments) {
    const problem = segmentProblem(segment);
    if (problem) return problem;
  }
  return undefined;
}

/** Why `name` is not a safe repository name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_NAME) return `length must be 1..${MAX_NAME}`;
  return segmentProblem(name);
}

/** Throws INVALID_INPUT unless owner and name pass the strict charset rules. */
export function assertRepositoryId(repo: GitRepositoryId): void {
  const owner = ownerProblem(repo.owner);
  if (owner) throw new GitError('INVALID_INPUT', `invalid repository owner (${owner})`);
  const name = nameProblem(repo.name);
  if (name) throw new GitError('INVALID_INPUT', `invalid repository name (${name})`);
}

/** Checked base URL of a host: origin + path without trailing slash (no credentials, query, fragment). */
export function hostBaseUrl(host: GitHostConfig): string {
  let url: URL;
  try {
    url = new URL(host.baseUrl);
  } catch {
    throw new GitError('INVALID_CONFIG', 'git host base URL is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && host.allowInsecureHttp === true)) {
    throw new GitError('INVALID_CONFIG', `git host ${url.host} must use https (http needs allowInsecureHttp)`);
  }
  if (url.username || url.password) {
    throw new GitError('INVALID_CONFIG', `git host ${url.host}: credentials belong in config.credentials, not in the URL`);
  }
  if (url.search || url.hash) throw new GitError('INVALID_CONFIG', `git host ${url.host}: base URL must not have a query or fragment`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The clone URL of `owner/name` on `host`: the configured base URL plus validated path segments,
 * so a webhook body can never point the fetch somewhere else. Never contains credentials.
 */
export function cloneUrlFor(host: GitHostConfig, owner: string, name: string): string {
  assertRepositoryId({ owner, name });
  return `${hostBaseUrl(host)}/${owner}/${name}.git`;
}

/** Value of the `Authorization` header git sends, or undefined without credentials. */
export function authorizationHeader(credentials: GitCredentials | undefined): string | undefined {
  if (!credentials) return undefined;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.token}`, 'utf8').toString('base64')}`;
}

/**
 * Removes anything credential-like from text meant for logs or errors: `user:pass@` in URLs,
 * `Authorization` header values, and the given secret values verbatim.
 */
export function scrubCredentials(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
  out = out.replace(/(authorization:\s*)(basic|bearer|token)\s+\S+/gi, '$1$2 ***');
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

/** The strings `scrubCredentials` must hide for `host`. */
export function secretsOf(host: GitHostConfig): string[] {
  const header = authorizationHeader(host.credentials);
  return host.credentials ? [host.credentials.token, header!.slice('Basic '.length)] : [];
}
