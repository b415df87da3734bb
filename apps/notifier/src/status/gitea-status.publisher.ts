import { type DesiredCommitStatus } from './commit-status.js';
import { type CommitStatusPublisher, type CommitStatusTarget, type PublishOutcome } from './commit-status.publisher.js';
import { postRepositoryStatus } from './github-status.publisher.js';
import { trimBase, type ProviderHttpOptions } from './provider-http.js';

/** A Gitea or Forgejo instance (the API is under `/api/v1`). */
export interface GiteaStatusConfig {
  url: string;
  /** Access token with `write:repository`. */
  token: string;
}

/** Commit statuses on Gitea/Forgejo (`/api/v1`, GitHub's call); Gitea's states include ours one to one. */
export class GiteaStatusPublisher implements CommitStatusPublisher {
  constructor(
    private readonly config: GiteaStatusConfig,
    private readonly options: ProviderHttpOptions = {},
  ) {}

  publish(target: CommitStatusTarget, status: DesiredCommitStatus): Promise<PublishOutcome> {
    const { token } = this.config;
    const headers = { authorization: `token ${token}`, accept: 'application/json' };
    return postRepositoryStatus({ provider: 'Gitea', base: `${trimBase(this.config.url)}/api/v1`, headers, token, options: this.options }, target, status);
  }
}
