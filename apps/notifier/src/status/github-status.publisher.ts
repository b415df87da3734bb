import { type DesiredCommitStatus } from './commit-status.js';
import { type CommitStatusPublisher, type CommitStatusTarget, type PublishOutcome } from './commit-status.publisher.js';
import { assertAccepted, postJson, subjectOf, trimBase, type ProviderHttpOptions } from './provider-http.js';

/** A GitHub host: `https://api.github.com`, or `https://github.example.com/api/v3` for GitHub Enterprise Server. */
export interface GitHubStatusConfig {
  apiUrl: string;
  /** Token with `repo:status` (classic) or "Commit statuses: write" (fine-grained, GitHub App). */
  token: string;
}

/** Commit statuses through `POST /repos/{owner}/{repo}/statuses/{sha}` (states map one to one). */
export class GitHubStatusPublisher implements CommitStatusPublisher {
  constructor(
    private readonly config: GitHubStatusConfig,
    private readonly options: ProviderHttpOptions = {},
  ) {}

  async publish(target: CommitStatusTarget, status: DesiredCommitStatus): Promise<PublishOutcome> {
    const { owner, name } = target.repository;
    const request = {
      provider: 'GitHub',
      subject: subjectOf(owner, name, target.sha),
      url: `${trimBase(this.config.apiUrl)}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/statuses/${encodeURIComponent(target.sha)}`,
      headers: {
        authorization: `Bearer ${this.config.token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      },
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
