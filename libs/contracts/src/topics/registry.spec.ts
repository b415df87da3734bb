import { describe, expect, it } from 'vitest';
import { EVENT_EXAMPLES } from '../examples/all-examples.js';
import { EXAMPLE_DIGEST, EXAMPLE_RELEASE_ID } from '../examples/example-values.js';
import { exampleFindingTriage, exampleReleaseApprove, exampleVulnerabilityAccept } from '../examples/operator-commands.examples.js';
import { exampleRegistryBuildAnnounced, exampleRegistryImagePushed } from '../examples/registry-events.examples.js';
import { exampleScanCompleted, exampleScanFailed } from '../examples/scan-results.examples.js';
import { exampleScmPullRequest, exampleScmTag } from '../examples/scm-events.examples.js';
import { exampleVulndbUpdated } from '../examples/vulndb-events.examples.js';
import { OperatorCommands, RegistryEvents, ScanResults, ScmEvents, TOPICS, topicByName, VulndbEvents } from './registry.js';
import { kindsOf } from './topic-definition.js';
import { allTopicSpecs } from './topic-specs.js';

describe('topic registry', () => {
  it('names every topic once', () => {
    const names = TOPICS.map((t) => t.name);

    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      'scm.events',
      'registry.events',
      'audit.results',
      'scan.results',
      'vulndb.events',
      'deploy.events',
      'operator.commands',
    ]);
  });

  it('finds a topic by name and nothing for an unknown one', () => {
    expect(topicByName('audit.results')?.name).toBe('audit.results');
    expect(topicByName('audit.result')).toBeUndefined();
  });

  it('has exactly one example per kind, so docs and round-trip tests cover every event', () => {
    const kinds = TOPICS.flatMap((t) => kindsOf(t).map((k) => `${t.name} ${k.kind}`));
    const examples = EVENT_EXAMPLES.map((e) => `${e.topic.name} ${e.kind}`);

    expect(examples.sort()).toEqual(kinds.sort());
  });

  it.each(EVENT_EXAMPLES.map((e) => [`${e.topic.name} ${e.kind}`, e] as const))('%s example is valid and of its kind', (_n, e) => {
    const sut = e.topic.schema.safeParse(e.body());

    expect(sut.success && sut.data.kind).toBe(e.kind);
  });

  it('gives every repository-keyed topic 12 partitions and the singleton topic 1', () => {
    for (const topic of TOPICS) expect(topic.partitions).toBe(topic.key === 'singleton' ? 1 : 12);
  });
});

describe('keys and subjects', () => {
  it('keys scm events by repository', () => {
    expect(ScmEvents.keyOf(exampleScmTag())).toBe('github/acme/shop-api');
    expect(ScmEvents.keyOf(exampleScmPullRequest())).toBe('github/acme/shop-api');
  });

  it('keys an announced build by repository and a pushed image by image repository', () => {
    expect(RegistryEvents.keyOf(exampleRegistryBuildAnnounced())).toBe('github/acme/shop-api');
    expect(RegistryEvents.subjectOf(exampleRegistryBuildAnnounced())).toBe(EXAMPLE_RELEASE_ID);
    // Even when the registry names the git repository: one image, one key.
    const pushed = exampleRegistryImagePushed({ repository: { provider: 'github', owner: 'acme', name: 'other' } });
    expect(RegistryEvents.keyOf(pushed)).toBe('registry.example.com/acme/shop-api');
    expect(RegistryEvents.subjectOf(pushed)).toBe(`registry.example.com/acme/shop-api@${EXAMPLE_DIGEST}`);
  });

  it('keys a release scan by repository and a release-less scan by image digest', () => {
    const standalone = exampleScanCompleted({ releaseId: undefined, repository: undefined });

    expect(ScanResults.keyOf(exampleScanCompleted())).toBe('github/acme/shop-api');
    expect(ScanResults.subjectOf(exampleScanCompleted())).toBe(EXAMPLE_RELEASE_ID);
    expect(ScanResults.keyOf(standalone)).toBe(`registry.example.com/acme/shop-api@${EXAMPLE_DIGEST}`);
    expect(ScanResults.subjectOf(standalone)).toBe(`registry.example.com/acme/shop-api@${EXAMPLE_DIGEST}`);
  });

  it('rejects a scan that names a release but not its repository, which would break the key scheme', () => {
    const body = exampleScanFailed({ repository: undefined });

    const sut = ScanResults.schema.safeParse(body);

    expect(sut.success).toBe(false);
    expect(sut.error?.issues[0]?.path).toEqual(['repository']);
  });

  it('keys every vulnerability database version alike', () => {
    expect(VulndbEvents.keyOf(exampleVulndbUpdated())).toBe(VulndbEvents.keyOf(exampleVulndbUpdated({ version: 'v2' })));
  });

  it('keys operator commands by repository and names what each is about', () => {
    expect(OperatorCommands.keyOf(exampleFindingTriage())).toBe('github/acme/shop-api');
    expect(OperatorCommands.subjectOf(exampleReleaseApprove())).toBe(EXAMPLE_RELEASE_ID);
    expect(OperatorCommands.subjectOf(exampleFindingTriage())).toMatch(/^finding\/[0-9a-f]{64}$/);
    expect(OperatorCommands.subjectOf(exampleVulnerabilityAccept())).toBe('vulnerability/CVE-2024-3094');
  });
});

describe('allTopicSpecs', () => {
  it('lists every topic with its retry and dead-letter companions', () => {
    const sut = allTopicSpecs();

    expect(sut).toHaveLength(TOPICS.length * 3);
    expect(sut.filter((s) => s.of === 'scm.events')).toEqual([
      { name: 'scm.events', partitions: 12, retentionMs: 7 * 86_400_000, cleanupPolicy: 'delete', purpose: 'main', of: 'scm.events' },
      { name: 'scm.events.retry', partitions: 6, retentionMs: 3 * 86_400_000, cleanupPolicy: 'delete', purpose: 'retry', of: 'scm.events' },
      { name: 'scm.events.dlq', partitions: 1, retentionMs: 30 * 86_400_000, cleanupPolicy: 'delete', purpose: 'dlq', of: 'scm.events' },
    ]);
  });

  it('never gives a retry topic more partitions than its main topic', () => {
    const sut = allTopicSpecs();

    for (const retry of sut.filter((s) => s.purpose === 'retry')) {
      expect(retry.partitions).toBeLessThanOrEqual(sut.find((s) => s.name === retry.of)!.partitions);
    }
  });

  it('names every topic uniquely', () => {
    const names = allTopicSpecs().map((s) => s.name);

    expect(new Set(names).size).toBe(names.length);
  });
});
