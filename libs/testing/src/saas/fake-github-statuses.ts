import { randomBytes } from 'node:crypto';
import { authorizationToken, recordCall, splitPath, startHttpFake, type FakeResponse, type RecordedCall } from './http-fake.js';

const DOCS = 'https://docs.github.com/rest/commits/statuses#create-a-commit-status';
const STATES = ['error', 'failure', 'pending', 'success'] as const;
const SHA = /^[0-9a-f]{40}$/i;

export type GitHubStatusState = (typeof STATES)[number];

/** A commit status as GitHub stores and returns it. */
export interface FakeGitHubStatus {
  id: number;
  /** `owner/name`. */
  repo: string;
  sha: string;
  state: GitHubStatusState;
  context: string;
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
}

/** A failure injected for the next create-status call. */
export type GitHubInjectedFailure =
  | { status: 500 | 502 | 503 | 504 }
  /** Secondary rate limit: 403 or 429 with `retry-after` (GitHub uses both). */
  | { secondaryRateLimit: 403 | 429; retryAfterS: number };

export interface FakeGitHubStatusesOptions {
  /** Token the fake accepts (`Authorization: Bearer|token <t>`); random by default. */
  token?: string;
  /** Repositories (`owner/name`) that exist; omitted: all. Others get 404 like a repo you cannot see. */
  repos?: readonly string[];
  /** Commits that exist; omitted: every 40-hex sha. Others get 422 `No commit found for SHA`. */
  commits?: readonly string[];
  /** Primary rate limit per token: `limit` requests per `windowS` (default 5000 per hour). */
  rateLimit?: { limit: number; windowS?: number };
  /** GitHub refuses the 1001st status for one sha and context. */
  maxStatusesPerContext?: number;
  now?: () => number;
}

export interface FakeGitHubStatuses {
  /** API base URL (like `https://api.github.com`, no trailing slash). */
  url: string;
  token: string;
  calls: RecordedCall[];
  /** Every status created, oldest first. */
  statuses: FakeGitHubStatus[];
  /** The newest status for (repo, sha, context); context is case-insensitive, like GitHub's. */
  latest(repo: string, sha: string, context: string): FakeGitHubStatus | undefined;
  /** Fails the next create-status call as described (queued). */
  failNext(failure: GitHubInjectedFailure): void;
  /**
   * An outage: for the next `ms` (by the fake's clock), every authenticated create-status call
   * fails instead — given several failures, they take turns call by call. {@link failNext}
   * failures queued before still come first. Returns when the window ends; a new call replaces a
   * running window.
   */
  failFor(ms: number, failure: GitHubInjectedFailure | readonly GitHubInjectedFailure[]): number;
  close(): Promise<void>;
}

const error = (status: number, message: string, extra: Record<string, unknown> = {}): FakeResponse => ({
  status,
  body: { message, ...extra, documentation_url: DOCS, status: String(status) },
});

const validation = (field: string, message: string): FakeResponse =>
  error(422, 'Validation Failed', { errors: [{ resource: 'Status', code: 'custom', field, message }] });

/**
 * Starts a local GitHub REST API with `POST /repos/:owner/:repo/statuses/:sha` (create a commit
 * status), enforcing authentication, GitHub's validation and its primary rate limit headers.
 */
export async function startFakeGitHubStatuses(options: FakeGitHubStatusesOptions = {}): Promise<FakeGitHubStatuses> {
  const now = options.now ?? Date.now;
  const token = options.token ?? `ghp_${randomBytes(18).toString('hex')}`;
  const limit = options.rateLimit?.limit ?? 5000;
  const windowS = options.rateLimit?.windowS ?? 3600;
  const maxPerContext = options.maxStatusesPerContext ?? 1000;
  const repos = options.repos?.map((r) => r.toLowerCase());
  const commits = options.commits?.map((c) => c.toLowerCase());
  const calls: RecordedCall[] = [];
  const statuses: FakeGitHubStatus[] = [];
  const failures: GitHubInjectedFailure[] = [];
  let outage: { until: number; failures: readonly GitHubInjectedFailure[]; next: number } | undefined;
  let window = { resetS: 0, used: 0 };
  let nextId = 1;

  const rateHeaders = (): Record<string, string> => ({
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, limit - window.used)),
    'x-ratelimit-reset': String(window.resetS),
    'x-ratelimit-used': String(window.used),
    'x-ratelimit-resource': 'core',
  });

  const create = (owner: string, repo: string, sha: string, rawBody: string): FakeResponse => {
    const fullName = `${owner}/${repo}`;
    if (repos && !repos.includes(fullName.toLowerCase())) return error(404, 'Not Found');
    let body: unknown;
    try {
      body = JSON.parse(rawBody === '' ? '{}' : rawBody) as unknown;
    } catch {
      return error(400, 'Problems parsing JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return error(400, 'Body should be a JSON object');
    const b = body as Record<string, unknown>;
    if (!SHA.test(sha) || (commits && !commits.includes(sha.toLowerCase()))) return error(422, `No commit found for SHA: ${sha}`);
    if (b['state'] === undefined) return error(422, 'Invalid request.\n\n"state" wasn\'t supplied.');
    if (typeof b['state'] !== 'string' || !(STATES as readonly string[]).includes(b['state'])) {
      return validation('state', 'state is not included in the list');
    }
    const context = b['context'] ?? 'default';
    if (typeof context !== 'string') return error(422, 'Invalid request.\n\nFor \'properties/context\', it is not a string.');
    const description = b['description'] ?? null;
    if (description !== null && typeof description !== 'string') return error(422, 'Invalid request.\n\nFor \'properties/description\', it is not a string or null.');
    if (typeof description === 'string' && description.length > 140) {
      return validation('description', 'description is too long (maximum is 140 characters)');
    }
    const targetUrl = b['target_url'] ?? null;
    if (targetUrl !== null) {
      if (typeof targetUrl !== 'string') return error(422, 'Invalid request.\n\nFor \'properties/target_url\', it is not a string or null.');
      if (!/^https?:\/\/[^\s/]+/i.test(targetUrl)) return validation('target_url', 'target_url must use http(s) scheme');
    }
    const sameContext = statuses.filter((s) => s.repo === fullName && s.sha === sha.toLowerCase() && s.context.toLowerCase() === context.toLowerCase());
    if (sameContext.length >= maxPerContext) {
      return validation('context', 'This SHA and context has reached the maximum number of statuses.');
    }
    const status: FakeGitHubStatus = {
      id: nextId++,
      repo: fullName,
      sha: sha.toLowerCase(),
      state: b['state'] as GitHubStatusState,
      context,
      description,
      targetUrl,
      createdAt: new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    statuses.push(status);
    return {
      status: 201,
      headers: { location: `/repos/${fullName}/statuses/${status.sha}` },
      body: {
        url: `/repos/${fullName}/statuses/${status.sha}`,
        avatar_url: 'https://avatars.githubusercontent.com/in/1?v=4',
        id: status.id,
        node_id: `SC_${Buffer.from(String(status.id)).toString('base64')}`,
        state: status.state,
        description: status.description,
        target_url: status.targetUrl,
        context: status.context,
        created_at: status.createdAt,
        updated_at: status.createdAt,
        creator: { login: 'portcullis[bot]', id: 1, type: 'Bot' },
      },
    };
  };

  /** The failure of the running outage window for this call, taking turns; none outside the window. */
  const outageFailure = (): GitHubInjectedFailure | undefined => {
    if (!outage || now() >= outage.until) return undefined;
    const failure = outage.failures[outage.next % outage.failures.length];
    outage.next += 1;
    return failure;
  };

  const handle = (httpMethod: string, path: string, headers: Record<string, string>, rawBody: string): { answer: FakeResponse; authorized: boolean; route: string } => {
    const { segments } = splitPath(path);
    const isCreate = segments.length === 5 && segments[0] === 'repos' && segments[3] === 'statuses';
    const route = isCreate ? `${httpMethod} /repos/:owner/:repo/statuses/:sha` : `${httpMethod} ${path}`;
    const given = authorizationToken(headers, ['bearer', 'token']);
    if (given === undefined) return { answer: error(401, 'Requires authentication'), authorized: false, route };
    if (given !== token) return { answer: error(401, 'Bad credentials'), authorized: false, route };
    const nowS = Math.floor(now() / 1000);
    if (nowS >= window.resetS) window = { resetS: nowS + windowS, used: 0 };
    if (window.used >= limit) {
      return { answer: { ...error(403, 'API rate limit exceeded for user ID 1.'), headers: rateHeaders() }, authorized: true, route };
    }
    window.used += 1;
    if (!isCreate || httpMethod !== 'POST') return { answer: { ...error(404, 'Not Found'), headers: rateHeaders() }, authorized: true, route };
    const failure = failures.shift() ?? outageFailure();
    if (failure) {
      if ('status' in failure) return { answer: { status: failure.status, body: 'Server Error', headers: rateHeaders() }, authorized: true, route };
      const answer = error(
        failure.secondaryRateLimit,
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      );
      return { answer: { ...answer, headers: { ...rateHeaders(), 'retry-after': String(failure.retryAfterS) } }, authorized: true, route };
    }
    const [, owner, repo, , sha] = segments.map(decodeURIComponent);
    const answer = create(owner!, repo!, sha!, rawBody);
    return { answer: { ...answer, headers: { ...rateHeaders(), ...answer.headers } }, authorized: true, route };
  };

  const server = await startHttpFake((req) => {
    const { answer, authorized, route } = handle(req.httpMethod, req.path, req.headers, req.rawBody);
    let params: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(req.rawBody) as unknown;
      if (typeof parsed === 'object' && parsed !== null) params = parsed as Record<string, unknown>;
    } catch {
      // recorded as raw body only
    }
    calls.push(recordCall(req, answer, { method: route, params, authorized, at: now() }));
    return answer;
  });

  return {
    url: server.origin,
    token,
    calls,
    statuses,
    latest: (repo, sha, context) =>
      statuses.findLast((s) => s.repo.toLowerCase() === repo.toLowerCase() && s.sha === sha.toLowerCase() && s.context.toLowerCase() === context.toLowerCase()),
    failNext: (failure) => void failures.push(failure),
    failFor: (ms, failure) => {
      const list = Array.isArray(failure) ? [...(failure as readonly GitHubInjectedFailure[])] : [failure as GitHubInjectedFailure];
      if (list.length === 0) throw new Error('failFor needs at least one failure');
      outage = { until: now() + ms, failures: list, next: 0 };
      return outage.until;
    },
    close: () => server.close(),
  };
}
