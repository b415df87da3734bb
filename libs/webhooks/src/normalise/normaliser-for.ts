import { type WebhookSourceKind } from '../delivery/webhook-source.js';
import { normaliseBitbucketDataCenter } from './bitbucket-dc.normaliser.js';
import { normaliseBitbucketCloud } from './bitbucket.normaliser.js';
import { normaliseCiBuild } from './ci-build.normaliser.js';
import { normaliseDistribution } from './distribution.normaliser.js';
import { normaliseDockerHub } from './dockerhub.normaliser.js';
import { normaliseGitea } from './gitea.normaliser.js';
import { normaliseGithub } from './github.normaliser.js';
import { normaliseGitlab } from './gitlab.normaliser.js';
import { normaliseHarbor } from './harbor.normaliser.js';
import { type Normaliser } from './normalise-outcome.js';

const NORMALISERS: Readonly<Record<WebhookSourceKind, Normaliser>> = {
  github: normaliseGithub,
  gitlab: normaliseGitlab,
  bitbucket: normaliseBitbucketCloud,
  'bitbucket-dc': normaliseBitbucketDataCenter,
  gitea: normaliseGitea,
  forgejo: normaliseGitea,
  harbor: normaliseHarbor,
  distribution: normaliseDistribution,
  dockerhub: normaliseDockerHub,
  ci: normaliseCiBuild,
};

/**
 * The normaliser of a source's provider, so intake can dispatch on configuration:
 * `normaliserFor(source.provider)(eventTypeOf(source.provider, headers), payload, { deliveryId, receivedAt, registryId })`.
 * Registry and CI sources need `registryId` (the registry configured for the source); git sources ignore it.
 */
export function normaliserFor(provider: WebhookSourceKind): Normaliser {
  return NORMALISERS[provider];
}
