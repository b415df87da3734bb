import { describe, expect, it } from 'vitest';
import { exampleImageSecretFinding, exampleImageSecrets, exampleImageTests, exampleScanCompleted } from '../../examples/scan-results.examples.js';
import { ImageSecretFinding, ImageTestsSection, MAX_IMAGE_TEST_RESULTS, ScanCompletedEvent } from './scan-completed.event.js';

describe('ScanCompletedEvent secrets section', () => {
  it('accepts the example, with its secrets section', () => {
    expect(ScanCompletedEvent.safeParse(exampleScanCompleted()).error?.issues).toBeUndefined();
  });

  it('still accepts a result without a secrets section (older scanners, secret scanning off)', () => {
    const { secrets: _omitted, ...older } = exampleScanCompleted();

    expect(ScanCompletedEvent.safeParse(older).success).toBe(true);
  });

  it('rejects a preview with nothing masked, the shape of a leaked raw value', () => {
    const sut = ImageSecretFinding.safeParse(exampleImageSecretFinding({ preview: `_authToken=ghp_${'a'.repeat(36)}` }));

    expect(sut.success).toBe(false);
    expect(sut.error?.issues.map((i) => i.path)).toEqual([['preview']]);
  });

  it('rejects a fingerprint that is a raw token rather than 64 hex characters', () => {
    expect(ImageSecretFinding.safeParse(exampleImageSecretFinding({ fingerprint: `ghp_${'a'.repeat(36)}` })).success).toBe(false);
  });

  it('names config findings by env variable and history step, without a layer for env', () => {
    const env = exampleImageSecretFinding({ source: 'env', path: 'config.env[NPM_TOKEN]', line: 1, deletedLater: false });
    const { layerDigest: _none, ...withoutLayer } = env;

    expect(ImageSecretFinding.safeParse(withoutLayer).success).toBe(true);
    expect(ImageSecretFinding.safeParse(exampleImageSecretFinding({ source: 'history', path: 'history[3]' })).success).toBe(true);
  });

  it('bounds the lists it carries', () => {
    const findings = Array.from({ length: 51 }, () => exampleImageSecretFinding());

    const sut = ScanCompletedEvent.safeParse(exampleScanCompleted({ secrets: exampleImageSecrets({ findings }) }));

    expect(sut.success).toBe(false);
    expect(sut.error?.issues.map((i) => i.path)).toEqual([['secrets', 'findings']]);
  });
});

describe('ScanCompletedEvent imageTests section', () => {
  it('accepts the example, and a result without the section (no release, no tests declared, older scanners)', () => {
    const { imageTests: _omitted, ...older } = exampleScanCompleted();

    expect(ScanCompletedEvent.safeParse(exampleScanCompleted()).error?.issues).toBeUndefined();
    expect(ScanCompletedEvent.safeParse(older).success).toBe(true);
  });

  it('carries an invalid section as a failed gate with its problems and no results', () => {
    const sut = ImageTestsSection.safeParse(
      exampleImageTests({ verdict: 'failed', passed: 0, results: [], problems: ['imageTests.commands[0].timeout: at most 300s'] }),
    );

    expect(sut.success).toBe(true);
  });

  it('refuses a verdict or status outside the gate vocabulary', () => {
    expect(ImageTestsSection.safeParse(exampleImageTests({ verdict: 'pass' as never })).success).toBe(false);
    expect(ImageTestsSection.safeParse(exampleImageTests({ results: [{ id: 'command.version', kind: 'command', status: 'skipped' as never }] })).success).toBe(false);
  });

  it('bounds the results list and the length of a reason', () => {
    const many = Array.from({ length: MAX_IMAGE_TEST_RESULTS + 1 }, (_, i) => ({ id: `command.t${i}`, kind: 'command' as const, status: 'passed' as const }));

    expect(ImageTestsSection.safeParse(exampleImageTests({ results: many })).error?.issues.map((i) => i.path)).toEqual([['results']]);
    expect(ImageTestsSection.safeParse(exampleImageTests({ results: [{ id: 'command.version', kind: 'command', status: 'failed', reason: 'x'.repeat(201) }] })).success).toBe(false);
  });
});
