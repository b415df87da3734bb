import { type CommitStatusState, type DesiredCommitStatus } from './commit-status.js';
import { CommitStatusError, type CommitStatusPublisher, type CommitStatusTarget, type PublishOutcome } from './commit-status.publisher.js';
import { assertAccepted, postJson, subjectOf, trimBase, type ProviderHttpOptions } from './provider-http.js';

/** Bitbucket has no "error": a gate that could not be evaluated did not pass. */
const STATES: Record<CommitStatusState, 'INPROGRESS' | 'SUCCESSFUL' | 'FAILED'> = {
  pending: 'INPROGRESS',
  success: 'SUCCESSFUL',
  failure: 'FAILED',
  error: 'FAILED',
};

/** Bitbucket Cloud (`https://api.bitbucket.org`). */
export interface BitbucketCloudStatusConfig {
  apiUrl: string;
  /** Access token (sent as Bearer), or with `username` an app password / API token (sent as Basic). */
  token: string;
  username?: string;
}

/** Bitbucket Data Center / Server. */
export interface BitbucketDataCenterStatusConfig {
  /** Base URL, e.g. `https://bitbucket.example.com` (the REST API is under `/rest`). */
  url: string;
  /** HTTP access token (sent as Bearer) with repository write permission. */
  token: string;
  /**
   * `builds` (default): `/rest/api/latest/projects/{key}/repos/{slug}/commits/{sha}/builds` (7.4+,
   * status tied to the repository). `legacy`: `/rest/build-status/1.0/commits/{sha}` (any version).
   */
  api?: 'builds' | 'legacy';
}

function requireUrl(provider: string, target: CommitStatusTarget, status: DesiredCommitStatus): string {
  if (status.targetUrl !== undefined) return status.targetUrl;
  const { owner, name } = target.repository;
  // Both Bitbucket APIs require a URL; a status without one is a configuration problem, not a transient one.
  throw new CommitStatusError('REJECTED', `${provider} status for ${subjectOf(owner, name, target.sha)}: ${status.context} has no target URL, which ${provider} requires (check the link templates)`);
}

/** Build statuses through `POST /2.0/repositories/{workspace}/{repo}/commit/{sha}/statuses/build` (the key overwrites). */
export class BitbucketCloudStatusPublisher implements CommitStatusPublisher {
  constructor(
    private readonly config: BitbucketCloudStatusConfig,
    private readonly options: ProviderHttpOptions = {},
  ) {}

  async publish(target: CommitStatusTarget, status: DesiredCommitStatus): Promise<PublishOutcome> {
    const { owner, name } = target.repository;
    const url = requireUrl('Bitbucket Cloud', target, status);
    const authorization =
      this.config.username === undefined
        ? `Bearer ${this.config.token}`
        : `Basic ${Buffer.from(`${this.config.username}:${this.config.token}`).toString('base64')}`;
    const request = {
      provider: 'Bitbucket Cloud',
      subject: subjectOf(owner, name, target.sha),
      url: `${trimBase(this.config.apiUrl)}/2.0/repositories/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/commit/${encodeURIComponent(target.sha)}/statuses/build`,
      headers: { authorization, accept: 'application/json' },
      body: { key: status.context, state: STATES[status.state], name: status.context, description: status.description, url },
      secret: this.config.token,
      options: this.options,
    };
    assertAccepted(request, await postJson(request));
    return 'published';
  }
}

/** Build statuses on Bitbucket Data Center; the key overwrites the previous result of the same key. */
export class BitbucketDataCenterStatusPublisher implements CommitStatusPublisher {
  constructor(
    private readonly config: BitbucketDataCenterStatusConfig,
    private readonly options: ProviderHttpOptions = {},
  ) {}

  async publish(target: CommitStatusTarget, status: DesiredCommitStatus): Promise<PublishOutcome> {
    const { owner, name } = target.repository;
    const url = requireUrl('Bitbucket Data Center', target, status);
    const base = trimBase(this.config.url);
    const sha = encodeURIComponent(target.sha);
    const endpoint =
      this.config.api === 'legacy'
        ? `${base}/rest/build-status/1.0/commits/${sha}`
        : `${base}/rest/api/latest/projects/${encodeURIComponent(owner)}/repos/${encodeURIComponent(name)}/commits/${sha}/builds`;
    const request = {
      provider: 'Bitbucket Data Center',
      subject: subjectOf(owner, name, target.sha),
      url: endpoint,
      headers: { authorization: `Bearer ${this.config.token}`, accept: 'application/json' },
      body: { key: status.context, state: STATES[status.state], name: status.context, description: status.description, url },
      secret: this.config.token,
      options: this.options,
    };
    assertAccepted(request, await postJson(request));
    return 'published';
  }
}
