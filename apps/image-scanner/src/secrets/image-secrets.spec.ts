import { createSecretScanner } from '@portcullis/secrets';
import { describe, expect, it } from 'vitest';
import { fakeAwsKeyId, fakeGithubToken, layerTar, TEST_FINGERPRINT_KEY } from '../../test/secret-fixtures.js';
import { buildImageSecrets, scanConfigSecrets } from './image-secrets.js';
import { scanLayerSecrets, SecretScanBudget } from './layer-secrets.js';

const engine = createSecretScanner({ fingerprintKey: TEST_FINGERPRINT_KEY, workers: 0 });
const L1 = `sha256:${'1'.repeat(64)}`;
const L2 = `sha256:${'2'.repeat(64)}`;
const budget = () => new SecretScanBudget({ maxBytes: 10 * 1024 * 1024, maxMs: 60_000 });
const options = (overrides: Partial<Parameters<typeof scanLayerSecrets>[3]> = {}) => ({ maxFileBytes: 64 * 1024, budget: budget(), ...overrides });

describe('scanLayerSecrets', () => {
  it('finds a token in a layer file, redacted, and counts what it did not read', async () => {
    const token = fakeGithubToken();
    const tar = await layerTar({
      'root/.npmrc': `registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=${token}\n`,
      'usr/bin/tool': Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0]), Buffer.from(`token=${token}`)]),
      'var/big.log': `x=${token}\n`.repeat(2000),
      'etc/empty': '',
    });

    const sut = await scanLayerSecrets(L1, tar, engine, options());

    expect(sut.findings).toEqual([{ ruleId: 'npmrc-auth', severity: 'high', path: 'root/.npmrc', line: 2, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/), preview: expect.stringContaining('***') }]);
    expect(sut.skipped).toEqual({ BINARY: 1, TOO_LARGE: 1 });
    expect(sut.skips).toEqual([{ path: 'var/big.log', reason: 'TOO_LARGE' }]);
    expect(sut.stats.files).toBe(1);
    expect(sut.complete).toBe(true);
    expect(JSON.stringify(sut)).not.toContain(token);
    expect(JSON.stringify(sut)).not.toContain(token.slice(4, 20));
  });

  it('skips files past the image byte budget as such and marks the layer incomplete (not cacheable)', async () => {
    const tar = await layerTar({ 'a.env': `A=${fakeGithubToken()}\n`, 'b.env': `B=${fakeGithubToken()}\n` });

    const sut = await scanLayerSecrets(L1, tar, engine, options({ budget: new SecretScanBudget({ maxBytes: 50, maxMs: 60_000 }) }));

    expect(sut.findings.map((f) => f.path)).toEqual(['a.env']);
    expect(sut.skips).toEqual([{ path: 'b.env', reason: 'IMAGE_BYTES_BUDGET' }]);
    expect(sut.complete).toBe(false);
  });

  it('skips every file once the image time budget is spent', async () => {
    let now = 0;
    const spent = new SecretScanBudget({ maxBytes: 1024 * 1024, maxMs: 10 }, () => now);
    now = 11;

    const sut = await scanLayerSecrets(L1, await layerTar({ 'a.env': `A=${fakeGithubToken()}\n` }), engine, options({ budget: spent }));

    expect(sut.findings).toEqual([]);
    expect(sut.skipped).toEqual({ IMAGE_TIME_BUDGET: 1 });
    expect(sut.complete).toBe(false);
  });

  it('records the whiteouts and opaque directories of the layer', async () => {
    const sut = await scanLayerSecrets(L2, await layerTar({ 'root/.wh..npmrc': '', 'opt/cache/.wh..wh..opq': '' }), engine, options());

    expect(sut.whiteouts).toEqual(['root/.npmrc']);
    expect(sut.opaqueDirs).toEqual(['opt/cache']);
  });
});

describe('buildImageSecrets', () => {
  it('keeps a secret a later layer deleted (whiteout): it is still in the image, marked deletedLater', async () => {
    const token = fakeGithubToken();
    const added = await scanLayerSecrets(L1, await layerTar({ 'root/.npmrc': `//r/:_authToken=${token}\n`, 'app/.env': `KEY=${fakeAwsKeyId()}\n` }), engine, options());
    const deleted = await scanLayerSecrets(L2, await layerTar({ 'root/.wh..npmrc': '' }), engine, options());

    const sut = buildImageSecrets([added, deleted], { findings: [], skips: [] });

    expect(sut.findings.map((f) => ({ path: f.path, layerDigest: f.layerDigest, deletedLater: f.deletedLater, source: f.source }))).toEqual([
      { path: 'app/.env', layerDigest: L1, deletedLater: false, source: 'layer' },
      { path: 'root/.npmrc', layerDigest: L1, deletedLater: true, source: 'layer' },
    ]);
    expect(sut.stats).toEqual({ layers: 2, files: 2, bytes: expect.any(Number) });
    expect(JSON.stringify(sut)).not.toContain(token);
  });

  it('treats an opaque directory of a later layer as deleting what lay below it', async () => {
    const added = await scanLayerSecrets(L1, await layerTar({ 'opt/cache/creds': `token=${fakeGithubToken()}\n` }), engine, options());
    const opaque = await scanLayerSecrets(L2, await layerTar({ 'opt/cache/.wh..wh..opq': '' }), engine, options());

    expect(buildImageSecrets([added, opaque], { findings: [], skips: [] }).findings[0]?.deletedLater).toBe(true);
  });
});

describe('scanConfigSecrets', () => {
  it('finds secrets in the config env and in build history, attributed to their place, never raw', async () => {
    const envToken = fakeGithubToken();
    const historyToken = fakeGithubToken();
    const config = {
      env: ['PATH=/usr/bin', `GITHUB_TOKEN=${envToken}`],
      history: [
        { createdBy: 'ADD rootfs.tar.gz / # buildkit', emptyLayer: false },
        { createdBy: '/bin/sh -c #(nop)  CMD ["sh"]', emptyLayer: true },
        { createdBy: `RUN |1 GH_TOKEN=${historyToken} /bin/sh -c npm ci # buildkit`, emptyLayer: false },
      ],
    };

    const sut = await scanConfigSecrets(config, [L1, L2], engine);

    expect(sut.findings.map((f) => ({ ruleId: f.ruleId, source: f.source, path: f.path, layerDigest: f.layerDigest }))).toEqual([
      { ruleId: 'github-pat', source: 'env', path: 'config.env[GITHUB_TOKEN]', layerDigest: undefined },
      { ruleId: 'github-pat', source: 'history', path: 'history[2]', layerDigest: L2 },
    ]);
    const text = JSON.stringify(buildImageSecrets([], sut));
    expect(text).not.toContain(envToken);
    expect(text).not.toContain(historyToken);
  });

  it('reports an oversize env entry as skipped rather than dropping it', async () => {
    const sut = await scanConfigSecrets({ env: [`BLOB=${'x'.repeat(70 * 1024)}`], history: [] }, [], engine);

    expect(sut.skips).toEqual([{ path: 'config.env[BLOB]', reason: 'TOO_LARGE' }]);
    expect(buildImageSecrets([], sut).skipped).toEqual([{ reason: 'TOO_LARGE', files: 1 }]);
  });
});
