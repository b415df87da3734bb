/**
 * Every kind of sender intake authenticates. Git providers match `GitProvider` of the contracts;
 * `forgejo` is verified and identified like `gitea` but keeps its own headers.
 */
export type WebhookSourceKind =
  | 'github'
  | 'gitlab'
  | 'bitbucket'
  | 'bitbucket-dc'
  | 'gitea'
  | 'forgejo'
  | 'harbor'
  | 'distribution'
  | 'dockerhub'
  | 'ci';
