import { type GitProvider } from '@portcullis/contracts';
import { type DesiredCommitStatus } from './commit-status.js';
import { CommitStatusError, type CommitStatusPublisher, type CommitStatusTarget, type PublishOutcome } from './commit-status.publisher.js';
import {
  BitbucketCloudStatusPublisher,
  BitbucketDataCenterStatusPublisher,
  type BitbucketCloudStatusConfig,
  type BitbucketDataCenterStatusConfig,
} from './bitbucket-status.publishers.js';
import { GiteaStatusPublisher, type GiteaStatusConfig } from './gitea-status.publisher.js';
import { GitHubStatusPublisher, type GitHubStatusConfig } from './github-status.publisher.js';
import { GitLabStatusPublisher, type GitLabStatusConfig } from './gitlab-status.publisher.js';
import { subjectOf, type ProviderHttpOptions } from './provider-http.js';

/**
 * One configured host per provider, validated at boot. A repository's `provider` picks the host;
 * no URL or token ever comes from an event. A provider left out gets no statuses (a permanent error).
 */
export interface CommitStatusProvidersConfig {
  github?: GitHubStatusConfig;
  gitlab?: GitLabStatusConfig;
  gitea?: GiteaStatusConfig;
  bitbucket?: BitbucketCloudStatusConfig;
  'bitbucket-dc'?: BitbucketDataCenterStatusConfig;
}

/** Routes each status to the adapter of the repository's provider. */
export class ProviderStatusPublisher implements CommitStatusPublisher {
  private readonly byProvider: Partial<Record<GitProvider, CommitStatusPublisher>>;

  constructor(config: CommitStatusProvidersConfig, options: ProviderHttpOptions = {}) {
    this.byProvider = {
      ...(config.github ? { github: new GitHubStatusPublisher(config.github, options) } : {}),
      ...(config.gitlab ? { gitlab: new GitLabStatusPublisher(config.gitlab, options) } : {}),
      ...(config.gitea ? { gitea: new GiteaStatusPublisher(config.gitea, options) } : {}),
      ...(config.bitbucket ? { bitbucket: new BitbucketCloudStatusPublisher(config.bitbucket, options) } : {}),
      ...(config['bitbucket-dc'] ? { 'bitbucket-dc': new BitbucketDataCenterStatusPublisher(config['bitbucket-dc'], options) } : {}),
    };
  }

  /** Whether statuses can be posted for this provider at all (the caller may skip the sync). */
  supports(provider: GitProvider): boolean {
    return this.byProvider[provider] !== undefined;
  }

  publish(target: CommitStatusTarget, status: DesiredCommitStatus): Promise<PublishOutcome> {
    const publisher = this.byProvider[target.repository.provider];
    if (!publisher) {
      const { owner, name } = target.repository;
      return Promise.reject(
        new CommitStatusError(
          'PROVIDER_NOT_CONFIGURED',
          `no ${target.repository.provider} host is configured for commit statuses (${subjectOf(owner, name, target.sha)})`,
        ),
      );
    }
    return publisher.publish(target, status);
  }
}
