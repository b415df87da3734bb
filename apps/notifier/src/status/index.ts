export * from './commit-status.js';
export * from './commit-status.publisher.js';
export * from './sync-commit-statuses.use-case.js';
export * from './provider-status.publisher.js';
export { GitHubStatusPublisher, type GitHubStatusConfig } from './github-status.publisher.js';
export { GitLabStatusPublisher, type GitLabStatusConfig } from './gitlab-status.publisher.js';
export { GiteaStatusPublisher, type GiteaStatusConfig } from './gitea-status.publisher.js';
export {
  BitbucketCloudStatusPublisher,
  BitbucketDataCenterStatusPublisher,
  type BitbucketCloudStatusConfig,
  type BitbucketDataCenterStatusConfig,
} from './bitbucket-status.publishers.js';
export { DEFAULT_TIMEOUT_MS, DEFAULT_RATE_LIMIT_WAIT_MS, type ProviderHttpOptions } from './provider-http.js';
