import { z } from 'zod';
import { repositoryKey } from '../events/common/repository.js';
import { ScmPushEvent } from '../events/scm-push/scm-push.event.js';
import { DAY_MS, defineTopic, type TopicDefinition } from './topic-definition.js';

/*
 * ┌──────────────────────────────────────────────────────────────────────────────────────────┐
 * │ THE TOPIC REGISTRY IS A PUBLIC API. Renaming a topic, changing its key or removing an     │
 * │ event kind strands retained messages and running consumers: it needs a migration         │
 * │ (new topic version, dual publish, drain, remove). Adding an optional field or a new kind  │
 * │ is fine. See docs/adr/0003-event-contracts.md.                                            │
 * └──────────────────────────────────────────────────────────────────────────────────────────┘
 */

/** Pushes, tags and pull requests from every git provider, normalised. */
export const ScmEvents = defineTopic({
  name: 'scm.events',
  description: 'Normalised git provider events (pushes, tags, pull requests), keyed by repository.',
  producedBy: ['webhook-intake'],
  consumedBy: ['secret-auditor'],
  key: 'repository',
  keyOf: (body) => repositoryKey(body.repository),
  subjectOf: (body) => repositoryKey(body.repository),
  partitions: 12,
  retentionMs: 7 * DAY_MS,
  schema: z.discriminatedUnion('kind', [ScmPushEvent]),
  version: 1,
});

/** Every topic, in the order the documentation lists them. */
export const TOPICS: readonly TopicDefinition[] = [ScmEvents];

export function topicByName(name: string): TopicDefinition | undefined {
  return TOPICS.find((t) => t.name === name);
}
