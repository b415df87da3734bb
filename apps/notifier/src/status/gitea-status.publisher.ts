import { type DesiredCommitStatus } from './commit-status.js';
import { type CommitStatusPublisher, type CommitStatusTarget, type PublishOutcome } from './commit-status.publisher.js';
import { assertAccepted, postJson, subjectOf, trimBase, type ProviderHttpOptions } from './provider-http.js';

/** A Gitea or Forgejo instance (the API is under `/api/v1`). */
export interface GiteaStatusConfig {
  url: string;
  /** Access token with `write:repository`. */
  token: string;
}

/** Commit statuses through `POST /api/v1/repos/{owner}/{repo}/statuses/{sha}`; Gitea's states include ours one to one. */
export class GiteaStatusPublisher implements CommitStatusPublisher {
  constructor(
    private readonly config: GiteaStatusConfig,
    private readonly options: ProviderHttpOptions = {},
  ) {}

  async publish(target: CommitStatusTarget, status: DesiredCommitStatus): Promise<PublishOutcome> {
    const { owner, name } = target.repository;
    const request = {
      provider: 'Gitea',
      subject: subjectOf(owner, name, target.sha),
      url: `${trimBase(this.config.url)}/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/statuses/${encodeURIComponent(target.sha)}`,
      headers: { authorization: `token ${this.config.token}`, accept: 'application/json' },
      body: {
        state: status.state,
        context: status.context,
        description: status.description,
        ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
      },
      secret: this.config.token,
      options: this.options,
    };
    assertAccepted(request, await postJson(request));
    return 'published';
  }
}
