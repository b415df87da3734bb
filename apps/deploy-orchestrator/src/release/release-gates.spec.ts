import { EXAMPLE_REPOSITORY, exampleAuditCompleted, exampleImageTests, exampleRegistryBuildAnnounced, exampleScanCompleted, type ImageReference, type ImageTestsSection } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { resolveDeployConfig, type DeploySection } from './deploy-config.schema.js';
import { evaluateGates } from './release-gates.js';
import { auditInput, buildInput, scanInput } from './release-inputs.js';
import { Reason, type ReleaseRecord } from './release.model.js';

const IMAGE: ImageReference = { registry: 'registry.example.com', repository: 'acme/shop-api', digest: `sha256:${'a'.repeat(64)}` };
const KEY = `registry.example.com/acme/shop-api@sha256:${'a'.repeat(64)}`;

function deploy(): DeploySection {
  const resolved = resolveDeployConfig({ images: ['registry.example.com/acme/shop-api'], manifests: { path: 'deploy' }, environments: [{ name: 'production', namespace: 'shop' }] });
  if (resolved.kind !== 'valid') throw new Error('test deploy config is invalid');
  return resolved.deploy;
}

/** A release whose audit passed and whose one image was built and scanned clean, with the given image tests. */
function release(imageTests: ImageTestsSection | undefined): ReleaseRecord {
  const base: ReleaseRecord = { releaseId: `github/acme/shop-api@${'1'.repeat(40)}`, repository: { ...EXAMPLE_REPOSITORY }, sha: '1'.repeat(40), builds: [], scans: {}, environments: {}, updatedAt: '2026-01-01T00:00:00Z' };
  const { imageTests: _none, ...scan } = exampleScanCompleted({ image: IMAGE, verdict: 'pass', counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }, vulnerabilities: [] });
  const { secrets: _s, ...clean } = scan;
  const inputs = [
    auditInput(exampleAuditCompleted({ verdict: 'pass', findings: [], counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 } })),
    buildInput(exampleRegistryBuildAnnounced({ image: IMAGE })),
    scanInput(imageTests ? { ...clean, imageTests } : clean),
  ];
  return inputs.reduce((r, input) => input(r), base);
}

function gates(imageTests: ImageTestsSection | undefined) {
  const d = deploy();
  return evaluateGates(release(imageTests), d, d.environments[0]!, undefined);
}

describe('evaluateGates: image-tests', () => {
  it('passes a release whose images have no image tests or only passed ones', () => {
    expect(gates(undefined).kind).toBe('passed');
    expect(gates(exampleImageTests()).kind).toBe('passed');
  });

  it('blocks on a failed image test, naming the test, the image and why', () => {
    const sut = gates(
      exampleImageTests({
        verdict: 'failed',
        passed: 2,
        failed: 1,
        notRun: 0,
        results: [
          { id: 'metadata.nonRoot', kind: 'metadata', status: 'failed', reason: 'the image runs as root (User is empty)' },
          { id: 'content.mustExist', kind: 'content', status: 'passed' },
          { id: 'command.version', kind: 'command', status: 'passed' },
        ],
      }),
    );

    expect(sut.kind).toBe('blocked');
    if (sut.kind !== 'blocked') return;
    expect(sut.reason).toBe(Reason.ImageTestsFailed);
    expect(sut.message).toBe('1 image test of registry.example.com/acme/shop-api failed');
    expect(sut.blocking.imageTests).toBe(1);
    expect(sut.blocking.items).toEqual([{ gate: 'image-tests', id: 'metadata.nonRoot', location: `${KEY} the image runs as root (User is empty)` }]);
  });

  it('blocks when a declared test did not run (incomplete): nothing untested reaches production', () => {
    const sut = gates(
      exampleImageTests({
        verdict: 'incomplete',
        passed: 1,
        failed: 0,
        notRun: 2,
        results: [
          { id: 'metadata.nonRoot', kind: 'metadata', status: 'passed' },
          { id: 'command.version', kind: 'command', status: 'not-run', reason: 'no command runner is configured' },
          { id: 'command.health', kind: 'command', status: 'not-run', reason: 'no command runner is configured' },
        ],
      }),
    );

    expect(sut.kind).toBe('blocked');
    if (sut.kind !== 'blocked') return;
    expect(sut.reason).toBe(Reason.ImageTestsIncomplete);
    expect(sut.message).toBe('2 image tests of registry.example.com/acme/shop-api did not run');
    expect(sut.blocking.items.map((i) => [i.gate, i.id])).toEqual([
      ['image-tests', 'command.version'],
      ['image-tests', 'command.health'],
    ]);
  });

  it('lists failed tests before those that did not run', () => {
    const sut = gates(
      exampleImageTests({
        verdict: 'failed',
        passed: 0,
        failed: 1,
        notRun: 1,
        results: [
          { id: 'command.version', kind: 'command', status: 'not-run', reason: 'image pull failed' },
          { id: 'content.forbid.shells', kind: 'content', status: 'failed', reason: 'found /bin/sh' },
        ],
      }),
    );

    expect(sut.kind === 'blocked' && sut.blocking.items.map((i) => i.id)).toEqual(['content.forbid.shells', 'command.version']);
    expect(sut.kind === 'blocked' && sut.message).toBe('1 image test of registry.example.com/acme/shop-api failed and 1 did not run');
  });

  it('blocks on an invalid imageTests section with its first problem', () => {
    const sut = gates(exampleImageTests({ verdict: 'failed', passed: 0, failed: 0, notRun: 0, results: [], problems: ['imageTests.commands[0].timeout: at most 300s'] }));

    expect(sut.kind).toBe('blocked');
    if (sut.kind !== 'blocked') return;
    expect(sut.reason).toBe(Reason.ImageTestsFailed);
    expect(sut.message).toContain('imageTests.commands[0].timeout: at most 300s');
    expect(sut.blocking.items[0]).toMatchObject({ gate: 'image-tests', id: 'IMAGE_TESTS_INVALID' });
  });

  it('blocks even when the section names no result to point at', () => {
    const sut = gates(exampleImageTests({ verdict: 'incomplete', passed: 0, failed: 0, notRun: 3, results: [] }));

    expect(sut.kind === 'blocked' && sut.blocking.items).toEqual([{ gate: 'image-tests', id: 'IMAGE_TESTS_INCOMPLETE', location: KEY }]);
  });
});
