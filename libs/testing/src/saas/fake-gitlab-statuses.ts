import { randomBytes } from 'node:crypto';
import { authorizationToken, parseForm, recordCall, splitPath, startHttpFake, type FakeResponse, type RecordedCall } from './http-fake.js';

const STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'] as const;
const SHA = /^[0-9a-f]{40}$/i;

/** States a client may post. */
export type GitLabStatusState = (typeof STATES)[number];
/** States a stored status can be in (`created` before its first transition). */
export type GitLabStoredState = GitLabStatusState | 'created';

/** A commit status ("generic job") as GitLab stores it. */
export interface FakeGitLabStatus {
  id: number;
  projectId: number;
  /** `group/project`. */
  projectPath: string;
  sha: string;
  ref: string;
  name: string;
  status: GitLabStoredState;
  targetUrl: string | null;
  description: string | null;
  createdAt: string;
}

export interface FakeGitLabProject {
  id: number;
  /** `group/project` (or `group/subgroup/project`). */
  path: string;
  defaultBranch?: string;
}

export type GitLabInjectedFailure = { status: 500 | 502 | 503 | 504 } | { status: 429; retryAfterS: number };

export interface FakeGitLabStatusesOptions {
  /** Token accepted in `PRIVATE-TOKEN` or `Authorization: Bearer`; random by default. */
  token?: string;
  /**
   * Projects that exist. Omitted: any numeric id or path exists (a path gets an id on first use).
   * Given: others get `404 Project Not Found`.
   */
  projects?: readonly FakeGitLabProject[];
  now?: () => number;
}

export interface FakeGitLabStatuses {
  /** Instance URL (like `https://gitlab.com`); the API is under `/api/v4`. */
  url: string;
  token: string;
  calls: RecordedCall[];
  /** Every status object, oldest first (a status moved pending → running → success is one object). */
  statuses: FakeGitLabStatus[];
  /** The newest status for (project id or path, sha, name). */
  latest(project: number | string, sha: string, name: string): FakeGitLabStatus | undefined;
  failNext(failure: GitLabInjectedFailure): void;
  close(): Promise<void>;
}

/**
 * GitLab's commit-status state machine (Ci::CreateCommitStatusService): a post reuses the status
 * of that name/ref that is still pending or running, otherwise creates one in `created`, then fires
 * the event for the requested state. Events that the current state does not allow fail with 400
 * "Cannot transition status via :<event> from :<state>" — e.g. posting `pending` twice, a known
 * trap (woodpecker-ci/woodpecker#4067, jenkinsci/gitlab-plugin#885).
 */
const EVENTS: Record<GitLabStatusState, { event: string; from: readonly GitLabStoredState[] }> = {
  pending: { event: 'enqueue', from: ['created', 'skipped'] },
  running: { event: 'run', from: ['pending'] },
  success: { event: 'succeed', from: ['created', 'pending', 'running'] },
  failed: { event: 'drop', from: ['created', 'pending', 'running'] },
  canceled: { event: 'cancel', from: ['created', 'pending', 'running'] },
  skipped: { event: 'skip', from: ['created', 'pending'] },
};

/**
 * Starts a local GitLab API with `POST /api/v4/projects/:id/statuses/:sha`, where `:id` is a
 * numeric id or a URL-encoded path (`group%2Fproject`), enforcing GitLab's auth and validation.
 */
export async function startFakeGitLabStatuses(options: FakeGitLabStatusesOptions = {}): Promise<FakeGitLabStatuses> {
  const now = options.now ?? Date.now;
  const token = options.token ?? `glpat-${randomBytes(10).toString('hex')}`;
  const strictProjects = options.projects !== undefined;
  const projects: FakeGitLabProject[] = [...(options.projects ?? [])];
  const calls: RecordedCall[] = [];
  const statuses: FakeGitLabStatus[] = [];
  const failures: GitLabInjectedFailure[] = [];
  let nextId = 1;

  const findProject = (ref: string): FakeGitLabProject | undefined => {
    const byId = /^\d+$/.test(ref) ? projects.find((p) => String(p.id) === ref) : projects.find((p) => p.path.toLowerCase() === ref.toLowerCase());
    if (byId || strictProjects) return byId;
    const created: FakeGitLabProject = /^\d+$/.test(ref) ? { id: Number(ref), path: `project-${ref}` } : { id: 1000 + projects.length, path: ref };
    projects.push(created);
    return created;
  };

  const message = (status: number, text: string): FakeResponse => ({ status, body: { message: text } });
  const badParam = (text: string): FakeResponse => ({ status: 400, body: { error: text } });
  const iso = (): string => new Date(now()).toISOString();

  const create = (projectRef: string, sha: string, params: Record<string, unknown>): FakeResponse => {
    const project = findProject(projectRef);
    if (!project) return message(404, '404 Project Not Found');
    const state = params['state'];
    if (state === undefined || state === '') return badParam('state is missing');
    if (typeof state !== 'string' || !(STATES as readonly string[]).includes(state)) return badParam('state does not have a valid value');
    if (!SHA.test(sha)) return message(404, '404 Commit Not Found');
    const rawName = params['name'] ?? params['context'] ?? 'default';
    const name = String(rawName);
    if (name.length > 255) return message(400, `name is too long (maximum is 255 characters)`);
    const targetUrl = params['target_url'] === undefined || params['target_url'] === null ? null : String(params['target_url']);
    if (targetUrl !== null && (!/^https?:\/\/[^\s/]+/i.test(targetUrl) || targetUrl.length > 255)) {
      return { status: 400, body: { message: { target_url: ['must be a valid URL'] } } };
    }
    const description = params['description'] === undefined || params['description'] === null ? null : String(params['description']);
    const ref = params['ref'] === undefined ? (project.defaultBranch ?? 'main') : String(params['ref']);
    const wanted = state as GitLabStatusState;
    let status = statuses.findLast(
      (s) => s.projectId === project.id && s.sha === sha.toLowerCase() && s.name === name && s.ref === ref && (s.status === 'pending' || s.status === 'running'),
    );
    const isNew = status === undefined;
    status ??= { id: nextId++, projectId: project.id, projectPath: project.path, sha: sha.toLowerCase(), ref, name, status: 'created', targetUrl, description, createdAt: iso() };
    // `running` first tries a silent enqueue (created → pending), then `run`.
    let current = status.status;
    if (wanted === 'running' && EVENTS.pending.from.includes(current)) current = 'pending';
    const { event, from } = EVENTS[wanted];
    if (!from.includes(current)) {
      return message(400, `Cannot transition status via :${event} from :${current} (Reason(s): Status cannot transition via "${event}")`);
    }
    status.status = wanted;
    if (targetUrl !== null) status.targetUrl = targetUrl;
    if (description !== null) status.description = description;
    if (isNew) statuses.push(status);
    return {
      status: 201,
      body: {
        id: status.id,
        sha: status.sha,
        ref: status.ref,
        status: status.status,
        name: status.name,
        target_url: status.targetUrl,
        description: status.description,
        created_at: status.createdAt,
        started_at: wanted === 'running' ? iso() : null,
        finished_at: ['success', 'failed', 'canceled', 'skipped'].includes(wanted) ? iso() : null,
        allow_failure: false,
        coverage: null,
        pipeline_id: project.id * 100 + 1,
        author: { id: 1, username: 'portcullis-bot', name: 'Portcullis', state: 'active', web_url: 'https://gitlab.example/portcullis-bot' },
      },
    };
  };

  const handle = (httpMethod: string, path: string, headers: Record<string, string>, rawBody: string) => {
    const { segments, query } = splitPath(path);
    // Split before decoding: `group%2Fproject` is one segment, a raw `group/project` is two.
    const isCreate = segments.length === 6 && segments[0] === 'api' && segments[1] === 'v4' && segments[2] === 'projects' && segments[4] === 'statuses';
    const route = isCreate ? `${httpMethod} /api/v4/projects/:id/statuses/:sha` : `${httpMethod} ${path}`;
    let params: Record<string, unknown> = Object.fromEntries(query);
    const contentType = (headers['content-type'] ?? '').toLowerCase();
    if (contentType.startsWith('application/json') && rawBody !== '') {
      try {
        params = { ...params, ...(JSON.parse(rawBody) as Record<string, unknown>) };
      } catch {
        return { answer: badParam('The provided content-type \'application/json\' is not supported or body is invalid JSON.'), authorized: false, route, params };
      }
    } else if (rawBody !== '') params = { ...params, ...parseForm(rawBody) };
    const given = headers['private-token'] ?? authorizationToken(headers, ['bearer']);
    const authorized = given === token;
    if (!authorized) return { answer: message(401, '401 Unauthorized'), authorized, route, params };
    if (!isCreate || httpMethod !== 'POST') return { answer: { status: 404, body: { error: '404 Not Found' } }, authorized, route, params };
    const failure = failures.shift();
    if (failure) {
      if ('retryAfterS' in failure) {
        return { answer: { status: 429, body: 'Retry later', headers: { 'retry-after': String(failure.retryAfterS) } }, authorized, route, params };
      }
      return { answer: { status: failure.status, body: 'Server Error' }, authorized, route, params };
    }
    return { answer: create(decodeURIComponent(segments[3]!), decodeURIComponent(segments[5]!), params), authorized, route, params };
  };

  const server = await startHttpFake((req) => {
    const { answer, authorized, route, params } = handle(req.httpMethod, req.path, req.headers, req.rawBody);
    calls.push(recordCall(req, answer, { method: route, params, authorized, at: now() }));
    return answer;
  });

  return {
    url: server.origin,
    token,
    calls,
    statuses,
    latest: (project, sha, name) =>
      statuses.findLast(
        (s) =>
          (typeof project === 'number' ? s.projectId === project : s.projectPath.toLowerCase() === project.toLowerCase() || String(s.projectId) === project) &&
          s.sha === sha.toLowerCase() &&
          s.name === name,
      ),
    failNext: (failure) => void failures.push(failure),
    close: () => server.close(),
  };
}
