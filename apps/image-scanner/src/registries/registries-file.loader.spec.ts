import { describe, expect, it } from 'vitest';
import { loadRegistries, RegistriesFileError } from './registries-file.loader.js';

const files: Record<string, string> = {
  '/etc/registries.yaml': [
    'registries:',
    '  - { registry: ghcr.io, url: https://ghcr.io, username: bot, password: { env: GHCR_TOKEN } }',
    '  - registry: registry.internal:5000',
    '    url: http://registry.internal:5000/',
    '    insecure: true',
    '    bearerToken: { file: /run/secrets/internal }',
    '',
  ].join('\n'),
  '/run/secrets/internal': 'bearer-secret-value\n',
};
const io = (env: Record<string, string> = { GHCR_TOKEN: 'ghcr-secret-value' }) => ({
  env,
  readFile: (path: string) => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    return content;
  },
});

describe('loadRegistries', () => {
  it('reads registries with credentials from the environment and from files', () => {
    const sut = loadRegistries('/etc/registries.yaml', io());
    expect(sut.registries).toEqual([
      { registry: 'ghcr.io', url: 'https://ghcr.io', credentials: { username: 'bot', password: 'ghcr-secret-value' } },
      { registry: 'registry.internal:5000', url: 'http://registry.internal:5000', insecure: true, credentials: { bearerToken: 'bearer-secret-value' } },
    ]);
    expect(sut.secretValues).toEqual(['ghcr-secret-value', 'bearer-secret-value']);
  });

  it('means no registry at all when no file is configured', () => {
    expect(loadRegistries('', io())).toEqual({ registries: [], secretValues: [] });
  });

  it('lists every problem at once and never a secret value', () => {
    files['/etc/bad.yaml'] = [
      'registries:',
      '  - { registry: ghcr.io, url: https://ghcr.io, username: bot, password: { env: UNSET_TOKEN } }',
      '  - { registry: plain.example.com, url: "http://plain.example.com" }',
      '  - { registry: ghcr.io, url: "https://user:pw-in-url@ghcr.io", username: bot, password: { env: GHCR_TOKEN } }',
      '  - { registry: Bad_Host, url: https://x.example.com, password: { env: GHCR_TOKEN } }',
    ].join('\n');
    const error = (() => {
      try {
        loadRegistries('/etc/bad.yaml', io());
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RegistriesFileError);
    const message = (error as Error).message;
    expect(message).toContain('registries[0].password: environment variable UNSET_TOKEN is not set');
    expect(message).toContain('registries[1].url: plain http needs insecure: true');
    expect(message).toContain('registries[2].registry: "ghcr.io" is configured twice');
    expect(message).toContain('registries[2].url: must not contain credentials');
    expect(message).toContain('registries[3].registry');
    expect(message).toContain('username and password go together');
    expect(message).not.toContain('ghcr-secret-value');
    expect(message).not.toContain('pw-in-url');
  });

  it('names an unreadable file without failing later', () => {
    expect(() => loadRegistries('/nope.yaml', io())).toThrow(/registries file \/nope.yaml is invalid:\n {2}- cannot read the file: ENOENT/);
  });
});
