import { describe, expect, it } from 'vitest';
import { TEST_KEY, tokenGenerator } from '../test/tokens.js';
import { createScanEngine } from './engine/scan-engine.js';
import { loadManifestAnalyser } from './manifest-hook.js';

const { rand, b64 } = tokenGenerator(11);

describe('manifest analyser integration', () => {
  it('loads the analyser and adds its findings to the content rules\', once per value and line', async () => {
    const manifestAnalyser = await loadManifestAnalyser();
    expect(manifestAnalyser).toBeDefined();
    const sut = createScanEngine({ fingerprintKey: TEST_KEY, ...(manifestAnalyser ? { manifestAnalyser } : {}) });
    const password = `${rand(14)}!`;
    const token = `${'gh' + 'p_'}${rand(36)}`;
    const manifest = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: db',
      'type: Opaque',
      'stringData:',
      `  password: "${password}"`,
      'data:',
      `  github-token: ${b64(token)}`,
      '',
    ].join('\n');
    const result = sut.scan({ path: 'deploy/db-secret.yaml', content: manifest });
    const byLine = result.findings.map((f) => [f.line, f.ruleId, f.kind]);
    // The password line: the manifest rule replaces the generic assignment rule (same value, same line).
    expect(byLine.filter(([line]) => line === 7)).toEqual([[7, 'k8s-plain-secret', 'manifest']]);
    // The base64 value decodes to a GitHub token, found by the content rules through scanValue.
    expect(result.findings.some((f) => f.line === 9 && f.ruleId === 'github-pat')).toBe(true);
    expect(JSON.stringify(result)).not.toContain(password);
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it('reports a Secret data value once, decoded, and nothing on the ciphertext of a SealedSecret', async () => {
    const manifestAnalyser = await loadManifestAnalyser();
    const sut = createScanEngine({ fingerprintKey: TEST_KEY, ...(manifestAnalyser ? { manifestAnalyser } : {}) });
    const password = `${rand(14)}!`;
    const secret = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: db', 'data:', `  password: ${b64(password)}`, ''].join('\n');
    // Not also a generic finding on the base64 text: that would be a second incident with another fingerprint.
    expect(sut.scan({ path: 'db.yaml', content: secret }).findings.map((f) => [f.line, f.ruleId])).toEqual([[6, 'k8s-plain-secret']]);
    const sealed = [
      'apiVersion: bitnami.com/v1alpha1',
      'kind: SealedSecret',
      'metadata:',
      '  name: db',
      'spec:',
      '  encryptedData:',
      `    password: Ag${rand(120)}==`,
      `    api_key: Ag${rand(120)}==`,
      '',
    ].join('\n');
    expect(sut.scan({ path: 'sealed.yaml', content: sealed }).findings).toEqual([]);
  });

  it('applies inline allow comments and global allowlists to the analyser\'s findings', async () => {
    const manifestAnalyser = await loadManifestAnalyser();
    const toml = `[allowlist]\nregexes = ['''^fixture-''']\n`;
    const sut = createScanEngine({
      fingerprintKey: TEST_KEY,
      rules: { gitleaksConfigs: [{ name: 'c.toml', toml }] },
      ...(manifestAnalyser ? { manifestAnalyser } : {}),
    });
    const manifest = (password: string, comment = '') =>
      ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: db', 'stringData:', `  password: "${password}"${comment}`, ''].join('\n');
    const real = `${rand(14)}!`;
    expect(sut.scan({ path: 'db.yaml', content: manifest(real) }).findings.map((f) => f.ruleId)).toEqual(['k8s-plain-secret']);
    expect(sut.scan({ path: 'db.yaml', content: manifest(real, ' # portcullis:allow') }).findings).toEqual([]);
    expect(sut.scan({ path: 'db.yaml', content: manifest(`fixture-${rand(14)}!`) }).findings).toEqual([]);
  });

  it('leaves files that are not manifests to the content rules', async () => {
    const manifestAnalyser = await loadManifestAnalyser();
    const sut = createScanEngine({ fingerprintKey: TEST_KEY, ...(manifestAnalyser ? { manifestAnalyser } : {}) });
    const result = sut.scan({ path: 'src/config.ts', content: `const password = "${rand(14)}!";` });
    expect(result.findings.map((f) => f.kind)).toEqual(['secret']);
  });
});
