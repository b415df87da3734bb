import { type CommitStatusState, type DesiredCommitStatus } from './commit-status.js';
import { type CommitStatusPublisher, type CommitStatusTarget, type PublishOutcome } from './commit-status.publisher.js';
import { assertAccepted, postJson, providerMessage, subjectOf, trimBase, type ProviderHttpOptions } from './provider-http.js';

/** A GitLab instance: `https://gitlab.com` or a self-managed URL (the API is under `/api/v4`). */
export interface GitLabStatusConfig {
  url: string;
  /** Personal, project or group access token with the `api` scope and at least Developer role. */
  token: string;
}

type GitLabState = 'pending' | 'running' | 'success' | 'failed' | 'canceled';

const STATES: Record<CommitStatusState, GitLabState> = { pending: 'pending', success: 'success', failure: 'failed', error: 'failed' };

/**
 * GitLab reuses the open (pending/running) status of a name and ref and moves it through a state
 * machine that refuses a repeated `pending` or `running` with 400 "Cannot transition status via
 * :enqueue from :pending" (woodpecker-ci/woodpecker#4067, jenkinsci/gitlab-plugin#885). The state
 * it refuses to repeat is the one it already shows, so that answer means "already set".
 */
const ALREADY_IN_STATE = /Cannot transition status via :(enqueue|run) from :(pending|running)/;

/** Commit statuses through `POST /api/v4/projects/{url-encoded path}/statuses/{sha}`. */
export class GitLabStatusPublisher implements CommitStatusPublisher {
  constructor(
    private readonly config: GitLabStatusConfig,
    private readonly options: ProviderHttpOptions = {},
  ) {}

  async publish(target: CommitStatusTarget, status: DesiredCommitStatus): Promise<PublishOutcome> {
    const { owner, name } = target.repository;
    const branch = target.ref === undefined ? undefined : target.ref.replace(/^refs\/(heads|tags)\//, '');
    const request = {
      provider: 'GitLab',
      subject: subjectOf(owner, name, target.sha),
      // The project path is one URL segment: `group/sub/project` → `group%2Fsub%2Fproject`.
      url: `${trimBase(this.config.url)}/api/v4/projects/${encodeURIComponent(`${owner}/${name}`)}/statuses/${encodeURIComponent(target.sha)}`,
      headers: { 'private-token': this.config.token, accept: 'application/json' },
      body: {
        state: status.state === 'pending' && status.running === true ? 'running' : STATES[status.state],
        name: status.context,
        description: status.description,
        ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
        ...(branch === undefined ? {} : { ref: branch }),
      },
      secret: this.config.token,
      options: this.options,
    };
    const answer = await postJson(request);
    if (answer.status === 400 && ALREADY_IN_STATE.test(providerMessage(answer.text, this.config.token))) return 'already-set';
    assertAccepted(request, answer);
    return 'published';
  }
}
