import { type DesiredCommitStatus } from './commit-status.js';
import { type CommitStatusPublisher, type CommitStatusTarget, type PublishOutcome } from './commit-status.publisher.js';
import { assertAccepted, postJson, subjectOf, trimBase, type ProviderHttpOptions } from './provider-http.js';

/** A GitHub host: `https://api.github.com`, or `https://github.example.com/api/v3` for GitHub Enterprise Server. */
export interface GitHubStatusConfig {
  apiUrl: string;
  /** Token with `repo:status` (classic) or "Commit statuses: write" (fine-grained, GitHub App). */
  token: string;
}

/**
 * GitHub's commit status call, which Gitea and Forgejo copy: `POST {base}/repos/{owner}/{repo}/statuses/{sha}`
 * with `state`, `context`, `description` and `target_url`; only the base path and the auth headers differ.
 */
export async function postRepositoryStatus(
  host: { provider: string; base: string; headers: Record<string, string>; token: string; options: ProviderHttpOptions },
  target: CommitStatusTarget,
  status: DesiredCommitStatus,
): Promise<PublishOutcome> {
  const { owner, name } = target.repository;
  const request = {
    provider: host.provider,
    subject: subjectOf(owner, name, target.sha),
    url: `${host.base}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/statuses/${encodeURIComponent(target.sha)}`,
    headers: host.headers,
    body: {
      state: status.state,
      context: status.context,
      description: status.description,
      ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
    },
    secret: host.token,
    options: host.options,
  };
  assertAccepted(request, await postJson(request));
  return 'published';
}

/** Commit statuses on GitHub (states map one to one). */
export class GitHubStatusPublisher implements CommitStatusPublisher {
  constructor(
    private readonly config: GitHubStatusConfig,
    private readonly options: ProviderHttpOptions = {},
  ) {}

  publish(target: CommitStatusTarget, status: DesiredCommitStatus): Promise<PublishOutcome> {
    const { token } = this.config;
    const headers = { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
    return postRepositoryStatus({ provider: 'GitHub', base: trimBase(this.config.apiUrl), headers, token, options: this.options }, target, status);
  }
}
