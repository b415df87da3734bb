export { GitError, type GitErrorCode } from './git.error.js';
export {
  assertRepositoryId,
  cloneUrlFor,
  nameProblem,
  ownerProblem,
  scrubCredentials,
  type GitCredentials,
  type GitHostConfig,
  type GitRepositoryId,
} from './git-host.js';
export { gitHostConfig, gitHostsAllowHttpConfig, gitHostsConfig, gitHostsOf, type GitHostsSettings } from './git-hosts.config.js';
export { DEFAULT_GIT_LIMITS, type GitLimits } from './git-limits.js';
export { GitMirrorCache, type GitMirrorCacheOptions, type MirrorLease } from './mirror/git-mirror-cache.js';
export { GitMirror, REMOTE_REFS_PREFIX } from './mirror/git-mirror.js';
export { isZeroOid } from './range/push-input.js';
export {
  resolveHistory,
  resolvePushedRange,
  type AuditCommit,
  type PushedRange,
  type PushRequest,
  type RangeMode,
} from './range/pushed-range.js';
export {
  listPushedChanges,
  type FileLines,
  type ManifestFile,
  type PushedChange,
  type SkippedFile,
  type SkipReason,
} from './range/pushed-changes.js';
export { readFileAt, type FileAtCommit } from './range/read-file.js';
export { DEFAULT_TREE_LIMITS, readTreeAt, type TreeAtCommit, type TreeLimits, type TreeSkip, type TreeSkipReason } from './range/read-tree.js';
export type { AddedLine } from './diff/unified-diff.parser.js';
export { listStagedChanges, listTrackedFiles, openLocalRepository, resolveRevisionRange } from './local/local-repository.js';
