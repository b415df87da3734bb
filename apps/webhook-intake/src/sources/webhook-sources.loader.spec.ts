import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWebhookSources, type SourcesEnvironment } from './webhook-sources.loader.js';

const DEFAULTS = { perMinute: 6000, perRepositoryPerMinute: 600 };

function io(files: Record<string, string>, env: Record<string, string> = {}): SourcesEnvironment {
  return {
    env,
    readFile: (path) => {
      const content = files[path];
      if (content === undefined) throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
      return content;
    },
  };
}

const YAML = `
sources:
  - id: acme-github
    provider: github
    scope: { owner: acme }
    secrets:
      - env: GH_SECRET_OLD
      - file: /run/secrets/gh-new
    baseUrl: https://github.com
    rateLimit: { perMinute: 120 }
  - id: builds
    provider: ci
    secrets:
      - env: CI_HMAC
      - env: CI_TOKEN
        use: bearer
    baseUrl: https://registry.example.com:5000
`;

describe('loadWebhookSources', () => {
  it('reads a YAML file, with secrets from env and files (two during a rotation) and defaults for unset limits', () => {
    const sut = loadWebhookSources;
    const loaded = sut('/etc/sources.yaml', io({ '/etc/sources.yaml': YAML, '/run/secrets/gh-new': 'new-secret-value\n' }, { GH_SECRET_OLD: 'old-secret-value', CI_HMAC: 'ci-hmac-secret', CI_TOKEN: 'ci-bearer-token' }), DEFAULTS);

    const github = loaded.sources.get('acme-github');
    expect(github).toMatchObject({ provider: 'github', scope: { owner: 'acme' }, secrets: ['old-secret-value', 'new-secret-value'], perMinute: 120, perRepositoryPerMinute: 600 });
    expect(github?.baseUrl.host).toBe('github.com');
    expect(loaded.sources.get('builds')?.secrets).toEqual(['ci-hmac-secret']);
    expect(loaded.bearerTokens.get('builds')).toEqual(['ci-bearer-token']);
    expect(loaded.secretValues).toEqual(expect.arrayContaining(['old-secret-value', 'new-secret-value', 'ci-hmac-secret', 'ci-bearer-token']));
  });

  it('reads JSON too', () => {
    const json = JSON.stringify({ sources: [{ id: 'gl', provider: 'gitlab', secrets: [{ env: 'GL' }], baseUrl: 'https://gitlab.example.com' }] });
    expect(loadWebhookSources('/s.json', io({ '/s.json': json }, { GL: 'gitlab-token-1' }), DEFAULTS).sources.get('gl')?.provider).toBe('gitlab');
  });

  it('lists every problem at once and never a secret value', () => {
    const bad = `
sources:
  - id: Bad Id
    provider: svn
    secrets: []
    baseUrl: ftp://example.com
  - id: dup
    provider: github
    secrets: [{ env: MISSING_SECRET }, { file: /nope }, { env: SHORT }]
    baseUrl: https://github.com
  - id: dup
    provider: gitea
    secrets: [{ env: SHORT }]
    baseUrl: https://gitea.example.com
`;
    let message = '';
    try {
      loadWebhookSources('/s.yaml', io({ '/s.yaml': bad }, { SHORT: 'abc' }), DEFAULTS);
    } catch (error) {
      message = (error as Error).message;
    }

    for (const expected of ['sources[0].id', 'sources[0].provider', 'sources[0].secrets', 'sources[0].baseUrl', 'sources[1].secrets', 'sources[2].id: "dup" is used twice', 'sources[2].secrets[0]: secret is shorter']) {
      expect(message).toContain(expected);
    }
    expect(message).not.toContain('abc');
  });

  it('checks the secrets of an entry that has other problems too', () => {
    const yaml = 'sources:\n  - { id: gh, provider: svn, secrets: [{ env: GH_SECRET }], baseUrl: "https://github.com" }\n';
    expect(() => loadWebhookSources('/s.yaml', io({ '/s.yaml': yaml }), DEFAULTS)).toThrow(/provider[\s\S]*environment variable GH_SECRET is not set/);
  });

  it('names missing variables and unreadable files', () => {
    const yaml = 'sources:\n  - { id: gh, provider: github, secrets: [{ env: GH_SECRET }, { file: /run/secrets/x }], baseUrl: "https://github.com" }\n';
    expect(() => loadWebhookSources('/s.yaml', io({ '/s.yaml': yaml }), DEFAULTS)).toThrow(
      /secrets\[0\]: environment variable GH_SECRET is not set[\s\S]*secrets\[1\]: cannot read secret file \/run\/secrets\/x/,
    );
  });

  it('fails on a missing file or one that is not a list of sources', () => {
    expect(() => loadWebhookSources('/missing.yaml', io({}), DEFAULTS)).toThrow(/cannot read the file: ENOENT/);
    expect(() => loadWebhookSources('/s.yaml', io({ '/s.yaml': 'sources: {}' }), DEFAULTS)).toThrow(/sources: /);
  });
});

describe('deploy/examples/webhook-sources.example.yaml', () => {
  it('is a valid sources file', () => {
    const path = fileURLToPath(new URL('../../../../deploy/examples/webhook-sources.example.yaml', import.meta.url));
    const env = new Proxy({}, { get: () => 'example-secret-value' }) as Record<string, string>;
    const loaded = loadWebhookSources(path, { env, readFile: (p) => (p === path ? readFileSync(p, 'utf8') : 'example-file-secret') }, DEFAULTS);
    expect([...loaded.sources.keys()]).toEqual(['acme-github', 'platform-gitlab', 'forgejo', 'harbor', 'builds']);
  });
});
