import { describe, expect, it } from 'vitest';
import { exampleImageSecretFinding, exampleImageSecrets, exampleScanCompleted } from '../../examples/scan-results.examples.js';
import { ImageSecretFinding, ScanCompletedEvent } from './scan-completed.event.js';

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
