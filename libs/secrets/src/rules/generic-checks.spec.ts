import { describe, expect, it } from 'vitest';
import { BASE64, HEX, TEST_KEY, tokenGenerator } from '../../test/tokens.js';
import { createScanEngine } from '../engine/scan-engine.js';
import { isBareKey, isBundledFile, isIdentifierShape, isNonSecretKey, isNonSecretValue, looksLikeKeyMaterial } from './generic-checks.js';

const { rand } = tokenGenerator(0x6e4e);
const uuid = (): string => `${rand(8, HEX)}-${rand(4, HEX)}-${rand(4, HEX)}-${rand(4, HEX)}-${rand(12, HEX)}`;
const sut = createScanEngine({ fingerprintKey: TEST_KEY });
const ruleIds = (path: string, content: string): string[] => sut.scan({ path, content }).findings.map((f) => f.ruleId);

describe('generic checks: key names', () => {
  it.each(['idempotency_key', 'IDEMPOTENCY_KEY', 'cacheKey', 'dedupe_key', 'partitionKey', 'routing_key', 'recaptcha_site_key', 'hcaptchaSiteKey', 'next_page_token', 'cancellationToken', 'signing_key_fingerprint'])(
    '%s names an identifier, not a credential',
    (key) => expect(isNonSecretKey(key)).toBe(true),
  );

  it.each(['api_key', 'SIGNING_KEY', 'secretKey', 'session_token', 'storage_key', 'COSMOS_PRIMARY_KEY', 'key', 'KEY'])('%s may hold a credential', (key) => {
    expect(isNonSecretKey(key)).toBe(false);
  });

  it('tells a bare `key` from a named one', () => {
    expect(['key', 'KEY', '"key"', "'keys'", '_key'].every(isBareKey)).toBe(true);
    expect(['api_key', 'keyboard', 'monkey'].some(isBareKey)).toBe(false);
  });
});

describe('generic checks: values', () => {
  it('reads digests, namespaced ids, aliases and tags as non-secret values', () => {
    for (const v of [
      `sha512-${rand(86, BASE64)}==`,
      `sha256:${rand(64, HEX)}`,
      '*default_db_password',
      '!vault_password',
      '!!binary',
      '^1.4.2',
    ]) {
      expect(isNonSecretValue(v), v).toBe(true);
    }
  });

  it('reads an /etc/passwd line as user names and ids, but keeps one whose password field is filled', () => {
    expect(isNonSecretValue('root:x:0:0:root:/root:/bin/sh\\napp:x:1000:1000::/app:/sbin/nologin')).toBe(true);
    expect(isNonSecretValue('nobody:*:65534:65534:nobody:/:/usr/sbin/nologin')).toBe(true);
    expect(isNonSecretValue(`app:${rand(13)}:1000:1000:`)).toBe(false);
  });

  it('keeps a random value that merely starts with an operator character', () => {
    for (const v of [`*${rand(12)}#${rand(3)}^${rand(8)}`, `!${rand(7)}!${rand(3)}^${rand(6)}`, `^${rand(8)}+${rand(4)}*Y-^${rand(6)}`, `!!${rand(3)}^${rand(8)}-${rand(6)}#${rand(4)}`]) {
      expect(isNonSecretValue(v), v).toBe(false);
    }
  });

  it('knows what key material looks like next to ids', () => {
    expect(isIdentifierShape(uuid())).toBe(true);
    expect(isIdentifierShape(rand(40, HEX))).toBe(true);
    expect(isIdentifierShape(rand(40))).toBe(false);
    expect(looksLikeKeyMaterial(rand(40, HEX))).toBe(true);
    expect(looksLikeKeyMaterial(`${rand(8)}+${rand(8)}`)).toBe(true);
    expect(looksLikeKeyMaterial(uuid())).toBe(false);
    expect(looksLikeKeyMaterial(`policy:${rand(40, HEX)}`)).toBe(false);
    expect(looksLikeKeyMaterial(`user/${uuid()}`)).toBe(false);
    // Outside a bare `key`, `name:<hex>` may be `user:token` credentials: not dismissed as a value.
    expect(isNonSecretValue(`octocat:${rand(40, HEX)}`)).toBe(false);
    expect(looksLikeKeyMaterial('userProfileSettings')).toBe(false);
  });
});

describe('generic checks: built bundles', () => {
  const bundle = 'apps/web/dist/static/js/main.3f9a1c2b.js';

  it('recognises built JavaScript', () => {
    expect([bundle, 'public/vendor.min.js', 'static/js/847.b257d683.chunk.js', 'build/app.mjs'].every(isBundledFile)).toBe(true);
    expect(['src/app.js', 'src/dist.ts', 'apps/web/src/build-info.ts'].some(isBundledFile)).toBe(false);
  });

  it('ignores ids and hashes inlined as JSON data in a bundle, and still reports them in configuration', () => {
    const data = `k.exports=JSON.parse('{"token":"${uuid()}","link":"${rand(40, HEX)}"}');u.exports=JSON.parse('{"note":"x","token":"${rand(40, HEX)}"}')`;
    expect(ruleIds(bundle, data)).toEqual([]);
    expect(ruleIds('config/settings.json', `{"token":"${rand(40, HEX)}"}`)).toEqual(['generic-secret']);
  });

  it('still reports a random token and a provider key in a bundle', () => {
    const line = `var a={apiKey:"${rand(32)}"};var b="${'gh' + 'p_'}${rand(36)}";`;
    expect(ruleIds(bundle, line).sort()).toEqual(['generic-secret', 'github-pat']);
  });
});
