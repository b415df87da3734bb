import { z } from 'zod';
import { AuditCompletedEvent } from '../events/audit-completed/audit-completed.event.js';
import { AuditFailedEvent } from '../events/audit-failed/audit-failed.event.js';
import { imageDigestKey, imageRepositoryKey } from '../events/common/image.js';
import { releaseIdOf } from '../events/common/release-id.js';
import { isZeroSha, repositoryKey } from '../events/common/repository.js';
import { FindingTriageCommand } from '../events/finding-triage/finding-triage.event.js';
import { RegistryBuildAnnouncedEvent } from '../events/registry-build-announced/registry-build-announced.event.js';
import { RegistryImagePushedEvent } from '../events/registry-image-pushed/registry-image-pushed.event.js';
import { ReleaseApproveCommand } from '../events/release-approve/release-approve.event.js';
import { ReleasePromoteCommand } from '../events/release-promote/release-promote.event.js';
import { ReleaseRollbackCommand } from '../events/release-rollback/release-rollback.event.js';
import { ReleaseTransitionEvent } from '../events/release-transition/release-transition.event.js';
import { ScanCompletedEvent } from '../events/scan-completed/scan-completed.event.js';
import { ScanFailedEvent } from '../events/scan-failed/scan-failed.event.js';
import { ScmPullRequestEvent } from '../events/scm-pull-request/scm-pull-request.event.js';
import { ScmPushEvent } from '../events/scm-push/scm-push.event.js';
import { ScmTagEvent } from '../events/scm-tag/scm-tag.event.js';
import { SecretsSweepCommand } from '../events/secrets-sweep/secrets-sweep.event.js';
import { VulnerabilityAcceptCommand } from '../events/vulnerability-accept/vulnerability-accept.event.js';
import { VulndbUpdatedEvent } from '../events/vulndb-updated/vulndb-updated.event.js';
import { DAY_MS, defineTopic, type TopicDefinition } from './topic-definition.js';

/*
 * ┌──────────────────────────────────────────────────────────────────────────────────────────┐
 * │ THE TOPIC REGISTRY IS A PUBLIC API. Renaming a topic, changing its key or removing an     │
 * │ event kind strands retained messages and running consumers: it needs a migration         │
 * │ (new topic version, dual publish, drain, remove). Adding an optional field or a new kind  │
 * │ is fine once every consumer runs a contracts version that knows it (deploy consumers      │
 * │ first). See docs/adr/0003-event-contracts.md.                                             │
 * └──────────────────────────────────────────────────────────────────────────────────────────┘
 */

/** Repository-keyed topics: enough partitions for a dozen instances, few enough to stay cheap. */
const REPOSITORY_PARTITIONS = 12;

/** Pushes, tags and pull requests from every git provider, normalised. */
export const ScmEvents = defineTopic({
  name: 'scm.events',
  description: 'Normalised git provider events (pushes, tags, pull requests), keyed by repository.',
  producedBy: ['webhook-intake'],
  consumedBy: ['secret-auditor', 'notifier'],
  key: 'repository',
  keyOf: (body) => repositoryKey(body.repository),
  subjectOf: (body) => repositoryKey(body.repository),
  correlationOf: (body) => {
    // A deleted branch or tag names no commit to release; a pull request's head is not a release.
    const sha = body.kind === 'push' ? body.after : body.kind === 'tag' && body.action === 'created' ? body.sha : undefined;
    return {
      deliveryId: body.deliveryId,
      releaseId: sha && !isZeroSha(sha) ? releaseIdOf(body.repository, sha) : undefined,
    };
  },
  partitions: REPOSITORY_PARTITIONS,
  retentionMs: 7 * DAY_MS,
  schema: z.discriminatedUnion('kind', [ScmPushEvent, ScmTagEvent, ScmPullRequestEvent]),
  version: 1,
});

/** Images pushed to registries and builds announced by CI. */
export const RegistryEvents = defineTopic({
  name: 'registry.events',
  description: 'Images pushed to a registry and images CI announced as built from a commit.',
  producedBy: ['webhook-intake'],
  consumedBy: ['image-scanner', 'deploy-orchestrator', 'notifier'],
  key: 'repository-or-image',
  keyNote:
    '`build.announced` is keyed by its git repository, like every release-scoped topic. `image.pushed` is keyed by ' +
    '`registry/repository` of the image even when the registry names a git repository: most registries do not, and ' +
    'one key per image keeps every push of that image (a tag moving between digests) in order whatever the registry ' +
    'knows. The scanner deduplicates by digest, so the two kinds need no order between them.',
  keyOf: (body) => (body.kind === 'build.announced' ? repositoryKey(body.repository) : imageRepositoryKey(body.image)),
  subjectOf: (body) => (body.kind === 'build.announced' ? releaseIdOf(body.repository, body.commit) : imageDigestKey(body.image)),
  correlationOf: (body) => ({
    deliveryId: body.deliveryId,
    releaseId: body.kind === 'build.announced' ? releaseIdOf(body.repository, body.commit) : undefined,
  }),
  partitions: REPOSITORY_PARTITIONS,
  retentionMs: 7 * DAY_MS,
  schema: z.discriminatedUnion('kind', [RegistryImagePushedEvent, RegistryBuildAnnouncedEvent]),
  version: 1,
});

/** Secret and manifest audits of pushed ranges. */
export const AuditResults = defineTopic({
  name: 'audit.results',
  description: 'Outcome of the secret and manifest audit of each pushed range, per release.',
  producedBy: ['secret-auditor'],
  consumedBy: ['deploy-orchestrator', 'notifier'],
  key: 'repository',
  keyOf: (body) => repositoryKey(body.repository),
  subjectOf: (body) => body.releaseId,
  correlationOf: (body) => ({ releaseId: body.releaseId }),
  partitions: REPOSITORY_PARTITIONS,
  retentionMs: 14 * DAY_MS,
  schema: z.discriminatedUnion('kind', [AuditCompletedEvent, AuditFailedEvent]),
  version: 1,
});

/** Vulnerability scans of image digests. */
export const ScanResults = defineTopic({
  name: 'scan.results',
  description: 'Outcome of each image scan: per release when one asked for it, per digest otherwise.',
  producedBy: ['image-scanner'],
  consumedBy: ['deploy-orchestrator', 'notifier'],
  key: 'repository-or-image-digest',
  keyNote:
    'A scan tied to a release is keyed by its repository, so it shares ordering with the rest of the release ' +
    '(a re-scan after a database update lands after the first result). A scan no release asked for has no ' +
    'repository and is keyed by its image digest; consumers that join releases ignore it.',
  keyOf: (body) => (body.repository ? repositoryKey(body.repository) : imageDigestKey(body.image)),
  subjectOf: (body) => body.releaseId ?? imageDigestKey(body.image),
  correlationOf: (body) => ({ releaseId: body.releaseId }),
  partitions: REPOSITORY_PARTITIONS,
  retentionMs: 14 * DAY_MS,
  schema: z.discriminatedUnion('kind', [ScanCompletedEvent, ScanFailedEvent]),
  version: 1,
});

/** Vulnerability database versions. */
export const VulndbEvents = defineTopic({
  name: 'vulndb.events',
  description: 'A new vulnerability database version is ready for every scanner instance.',
  producedBy: ['image-scanner'],
  consumedBy: ['image-scanner'],
  key: 'singleton',
  keyNote: 'A handful of messages a day; one partition keeps versions in publication order.',
  keyOf: () => 'vulndb',
  subjectOf: (body) => body.version,
  partitions: 1,
  retentionMs: 30 * DAY_MS,
  schema: z.discriminatedUnion('kind', [VulndbUpdatedEvent]),
  version: 1,
});

/** Release state transitions per environment. */
export const DeployEvents = defineTopic({
  name: 'deploy.events',
  description: 'Every state transition of every release in every environment.',
  producedBy: ['deploy-orchestrator'],
  consumedBy: ['notifier', 'image-scanner'],
  key: 'repository',
  keyOf: (body) => repositoryKey(body.repository),
  subjectOf: (body) => body.releaseId,
  correlationOf: (body) => ({ releaseId: body.releaseId }),
  partitions: REPOSITORY_PARTITIONS,
  // Deploy history outlives results: it answers "what ran where" during an incident review.
  retentionMs: 30 * DAY_MS,
  schema: z.discriminatedUnion('kind', [ReleaseTransitionEvent]),
  version: 1,
});

/** Decisions operators take from Slack, the API or the CLI. */
export const OperatorCommands = defineTopic({
  name: 'operator.commands',
  description:
    'Operator decisions (approve, promote, roll back, triage a finding, accept a vulnerability, sweep a repository for secrets) from Slack buttons, the HTTP APIs or the CLI.',
  producedBy: ['notifier', 'deploy-orchestrator', 'secret-auditor', 'cli'],
  consumedBy: ['deploy-orchestrator', 'secret-auditor', 'notifier'],
  key: 'repository',
  keyOf: (body) => repositoryKey(body.repository),
  subjectOf: (body) => {
    switch (body.kind) {
      case 'finding.triage':
        return `finding/${body.fingerprint}`;
      case 'vulnerability.accept':
        return `vulnerability/${body.vulnerabilityId}`;
      case 'secrets.sweep':
        return repositoryKey(body.repository);
      default:
        return body.releaseId;
    }
  },
  correlationOf: (body) => ({ releaseId: 'releaseId' in body ? body.releaseId : undefined }),
  partitions: REPOSITORY_PARTITIONS,
  // Commands are the audit trail of who decided what.
  retentionMs: 30 * DAY_MS,
  schema: z.discriminatedUnion('kind', [
    ReleaseApproveCommand,
    ReleasePromoteCommand,
    ReleaseRollbackCommand,
    FindingTriageCommand,
    VulnerabilityAcceptCommand,
    SecretsSweepCommand,
  ]),
  version: 1,
});

/** Every topic, in the order the documentation lists them. */
export const TOPICS: readonly TopicDefinition[] = [
  ScmEvents,
  RegistryEvents,
  AuditResults,
  ScanResults,
  VulndbEvents,
  DeployEvents,
  OperatorCommands,
];

export function topicByName(name: string): TopicDefinition | undefined {
  return TOPICS.find((t) => t.name === name);
}
