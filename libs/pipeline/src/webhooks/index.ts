export { type BuiltDelivery } from './built-delivery.js';
export { buildGithubPush, type GithubPerson, type GithubPushCommit, type GithubPushOptions } from './github-push.delivery.js';
export {
  buildDistributionPush,
  DISTRIBUTION_EVENTS_MEDIA_TYPE,
  type DistributionPushOptions,
  OCI_MANIFEST_MEDIA_TYPE,
} from './distribution-push.delivery.js';
export {
  buildCiBuildAnnouncement,
  CI_SOURCE_HEADER,
  type CiBuildAuth,
  type CiBuildOptions,
  pinnedReference,
  type PinnedImage,
} from './ci-build.delivery.js';
export {
  DEFAULT_DELIVER_TIMEOUT_MS,
  deliver,
  type DeliverOptions,
  DeliveryFailedError,
  type IntakeAnswer,
  type IntakeAnswerBody,
} from './deliver.js';
