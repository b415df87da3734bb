export { headerValue, type WebhookHeaders } from './http/headers.js';
export { type SignedRequest } from './signatures/signed-request.js';
export {
  type ActiveSecrets,
  type VerificationFailure,
  type VerificationResult,
} from './signatures/verification-result.js';
export { constantTimeEqual } from './signatures/constant-time.js';
export { verifyGithubSignature } from './signatures/github-signature.verifier.js';
export { verifyGitlabToken } from './signatures/gitlab-token.verifier.js';
export { verifyBitbucketCloudSignature, verifyBitbucketDataCenterSignature } from './signatures/bitbucket-signature.verifier.js';
export { verifyGiteaSignature } from './signatures/gitea-signature.verifier.js';
export { verifyHarborAuthHeader } from './signatures/harbor-auth.verifier.js';
export {
  CI_SIGNATURE_HEADER,
  CI_TIMESTAMP_HEADER,
  DEFAULT_CI_TOLERANCE_SECONDS,
  verifyCiBuild,
  type CiBuildCredentials,
  type CiBuildVerifyOptions,
} from './signatures/ci-build-signature.verifier.js';
export { type WebhookSourceKind } from './delivery/webhook-source.js';
export { bodyHashDeliveryId, deliveryIdOf, eventTypeOf, type DeliveryId } from './delivery/delivery-id.js';
export {
  DEFAULT_JSON_LIMITS,
  parseBoundedJson,
  type BoundedJsonErrorCode,
  type BoundedJsonLimits,
  type BoundedJsonResult,
} from './json/bounded-json.js';
export {
  publishablesOf,
  type DeliveryContext,
  type IgnoredOutcome,
  type InvalidOutcome,
  type NormaliseOutcome,
  type Normaliser,
  type PayloadIssue,
  type PingOutcome,
  type PublishableEvent,
  type ScmNormaliseOutcome,
} from './normalise/normalise-outcome.js';
export { normaliseGithub } from './normalise/github.normaliser.js';
export { normaliseGitlab } from './normalise/gitlab.normaliser.js';
export { normaliseGitea } from './normalise/gitea.normaliser.js';
export { normaliseBitbucketCloud } from './normalise/bitbucket.normaliser.js';
export { normaliseBitbucketDataCenter } from './normalise/bitbucket-dc.normaliser.js';
export { normaliseHarbor } from './normalise/harbor.normaliser.js';
export { normaliseDistribution } from './normalise/distribution.normaliser.js';
export { normaliseDockerHub } from './normalise/dockerhub.normaliser.js';
export { CiBuildRequest, normaliseCiBuild, parseImageReference } from './normalise/ci-build.normaliser.js';
export { MANIFEST_MEDIA_TYPES, UNKNOWN_MEDIA_TYPE } from './normalise/registry-image.js';
export { normaliserFor } from './normalise/normaliser-for.js';
