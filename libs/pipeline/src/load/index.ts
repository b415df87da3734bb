export { type BulkRepoCommits, type BulkRepoInput, createBulkRepos, fastImportStream, LOAD_AUTHOR, OBJECT_STORE, parseMarks, publishRelease } from './bulk-repos.js';
export {
  awaitLoad,
  type LoadResult,
  prepareLoad,
  type PreparedLoad,
  type PreparedRepo,
  type ProcessReport,
  type ReleaseResult,
  type ResourceReport,
  type ResourceSampler,
  sendLoad,
  type SentRelease,
  startResourceSampler,
} from './load-driver.js';
export { type ExpectedRoot, finalShownAt, quantile, quantiles, type Quantiles, rootVersions, type RootVersion, slackTsToMs, throughputPerSecond } from './load-latency.js';
export { expectedEnd, type LossSummary, type ProblemKind, type ReleaseFacts, type ReleaseProblem, releaseProblems, summarizeLosses } from './load-losses.js';
export { DEFAULT_LOAD_OPTIONS, type LoadArgs, LoadOptionError, type LoadOptions, loadOptionsFrom, parseDuration, parseInstances, parseShare } from './load-options.js';
export { channelId, type LoadRepo, loadRouting, openLoopOffsetMs, planRepos, RELEASE_TYPES, type ReleaseType, scheduleSlipMs, seededRandom } from './load-plan.js';
export { LOAD_ENVIRONMENT, loadRepoFiles, type LoadRepoFiles, type LoadTarget, PLANTED_LINE, PLANTED_PATH } from './load-repo-files.js';
export { consumerLagOf, parseProcStat, type ProcessSample, sampleProcess } from './process-stats.js';
