import {
  AuditResults,
  DeployEvents,
  OperatorCommands,
  RegistryEvents,
  ScanResults,
  ScmEvents,
  VulndbEvents,
} from '../topics/registry.js';
import type { EventBody, TopicDefinition } from '../topics/topic-definition.js';
import { exampleAuditCompleted, exampleAuditFailed, exampleDependencyAudit } from './audit-results.examples.js';
import { exampleReleaseTransition } from './deploy-events.examples.js';
import {
  exampleFindingTriage,
  exampleReleaseApprove,
  exampleReleasePromote,
  exampleReleaseRollback,
  exampleSecretsSweep,
  exampleVulnerabilityAccept,
} from './operator-commands.examples.js';
import { exampleRegistryBuildAnnounced, exampleRegistryImagePushed } from './registry-events.examples.js';
import { exampleScanCompleted, exampleScanFailed } from './scan-results.examples.js';
import { exampleScmPullRequest, exampleScmPush, exampleScmTag } from './scm-events.examples.js';
import { exampleVulndbUpdated } from './vulndb-events.examples.js';

/** One valid example body per topic and kind. */
export interface EventExample {
  topic: TopicDefinition;
  kind: string;
  body: () => EventBody;
}

/** Every kind of every topic with a valid body, in registry order: for round-trip tests and the docs. */
export const EVENT_EXAMPLES: readonly EventExample[] = [
  { topic: ScmEvents, kind: 'push', body: exampleScmPush },
  { topic: ScmEvents, kind: 'tag', body: exampleScmTag },
  { topic: ScmEvents, kind: 'pull_request', body: exampleScmPullRequest },
  { topic: RegistryEvents, kind: 'image.pushed', body: exampleRegistryImagePushed },
  { topic: RegistryEvents, kind: 'build.announced', body: exampleRegistryBuildAnnounced },
  // The documented example shows the optional dependency audit too (a push that changed lockfiles).
  { topic: AuditResults, kind: 'audit.completed', body: () => exampleAuditCompleted({ dependencies: exampleDependencyAudit() }) },
  { topic: AuditResults, kind: 'audit.failed', body: exampleAuditFailed },
  { topic: ScanResults, kind: 'scan.completed', body: exampleScanCompleted },
  { topic: ScanResults, kind: 'scan.failed', body: exampleScanFailed },
  { topic: VulndbEvents, kind: 'vulndb.updated', body: exampleVulndbUpdated },
  { topic: DeployEvents, kind: 'release.transition', body: exampleReleaseTransition },
  { topic: OperatorCommands, kind: 'release.approve', body: exampleReleaseApprove },
  { topic: OperatorCommands, kind: 'release.promote', body: exampleReleasePromote },
  { topic: OperatorCommands, kind: 'release.rollback', body: exampleReleaseRollback },
  { topic: OperatorCommands, kind: 'finding.triage', body: exampleFindingTriage },
  { topic: OperatorCommands, kind: 'vulnerability.accept', body: exampleVulnerabilityAccept },
  { topic: OperatorCommands, kind: 'secrets.sweep', body: exampleSecretsSweep },
];

/** The example of one kind of one topic, or `undefined`. */
export function exampleOf(topicName: string, kind: string): EventExample | undefined {
  return EVENT_EXAMPLES.find((e) => e.topic.name === topicName && e.kind === kind);
}
