import { createScanEngine } from '@portcullis/secrets';
import { describe, expect, it } from 'vitest';
import { evaluateMetadata } from './evaluate-metadata.js';
import type { ImageConfig } from './image-config.js';
import { resolveImageTests, type ImageTestSpec } from './image-tests.schema.js';

function spec(metadata: unknown): ImageTestSpec {
  const resolved = resolveImageTests({ metadata });
  if (!resolved.ok || !resolved.spec) throw new Error(resolved.ok ? 'no spec' : resolved.problems.join('\n'));
  return resolved.spec;
}

/** What `docker build` writes for a typical service image (trimmed). */
const SERVICE: ImageConfig = {
  architecture: 'amd64',
  os: 'linux',
  config: {
    User: '1000:1000',
    Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'NODE_ENV=production', 'DB_PASSWORD_FILE=/run/secrets/db'],
    Entrypoint: ['node', '/app/main.js'],
    Cmd: null,
    WorkingDir: '/app',
    ExposedPorts: { '8080/tcp': {} },
    Labels: { 'org.opencontainers.image.source': 'https://git.example.com/acme/api', 'org.opencontainers.image.revision': 'a1b2c3d' },
  },
};

const ALL = {
  nonRoot: true,
  user: '1000:1000',
  entrypoint: ['node', '/app/main.js'],
  cmd: [],
  workingDir: '/app',
  exposedPorts: [8080],
  requiredLabels: ['org.opencontainers.image.source', 'org.opencontainers.image.revision'],
  labels: { 'org.opencontainers.image.source': '^https://git\\.example\\.com/' },
  os: 'linux',
  architecture: ['amd64', 'arm64/v8'],
};

const statuses = (results: { id: string; status: string }[]) => Object.fromEntries(results.map((r) => [r.id, r.status]));

describe('evaluateMetadata', () => {
  it('passes every check on a well-built image, one result per configured check', () => {
    const results = evaluateMetadata(SERVICE, spec(ALL));
    expect(statuses(results)).toEqual({
      'metadata.nonRoot': 'passed',
      'metadata.user': 'passed',
      'metadata.entrypoint': 'passed',
      'metadata.cmd': 'passed',
      'metadata.workingDir': 'passed',
      'metadata.exposedPorts': 'passed',
      'metadata.requiredLabels': 'passed',
      'metadata.labels': 'passed',
      'metadata.noSecretEnv': 'passed',
      'metadata.os': 'passed',
      'metadata.architecture': 'passed',
    });
  });

  it('fails each check with a reason on an image built carelessly', () => {
    const careless: ImageConfig = {
      architecture: 'arm',
      variant: 'v7',
      os: 'windows',
      config: { Entrypoint: ['/bin/sh', '-c'], Cmd: ['npm start'], ExposedPorts: { '8080/tcp': {}, '22/tcp': {} }, Labels: { 'org.opencontainers.image.source': 'https://github.com/someone/fork' } },
    };
    const results = evaluateMetadata(careless, spec(ALL));
    expect(results.filter((r) => r.status !== 'failed').map((r) => r.id)).toEqual(['metadata.noSecretEnv']);
    const reason = (id: string) => results.find((r) => r.id === `metadata.${id}`)?.reason;
    expect(reason('nonRoot')).toMatch(/runs as root/);
    expect(reason('exposedPorts')).toBe('exposes 22/tcp, not in the declared list');
    expect(reason('requiredLabels')).toBe('missing label org.opencontainers.image.revision');
    expect(reason('labels')).toMatch(/org\.opencontainers\.image\.source \(does not match/);
    expect(reason('architecture')).toBe('architecture is "arm/v7", expected amd64, arm64/v8');
    expect(reason('cmd')).toBe('Cmd is ["npm start"], expected []');
  });

  it.each([[''], ['root'], ['0'], ['0:0'], ['root:wheel'], [undefined]])('counts User %j as root', (user) => {
    const results = evaluateMetadata({ config: user === undefined ? {} : { User: user } }, spec({ nonRoot: true, noSecretEnv: false }));
    expect(results).toEqual([expect.objectContaining({ id: 'metadata.nonRoot', status: 'failed' })]);
  });

  describe('secret-looking env', () => {
    const TOKEN = 'ghp_' + 'R7x9Kq2Lm4Np8Tz1Vb6Yc3Wd5Fh0Jg2Se4Ua';
    const leaky: ImageConfig = {
      config: {
        Env: ['PATH=/usr/bin', 'GH_CLIENT=' + TOKEN, 'DATABASE_URL=postgres://app:Hunter2Hunter2@db:5432/app', 'STRIPE_API_KEY=sk_live_made_up_value_123', 'JWT_SECRET_FILE=/run/secrets/jwt', 'FEATURE_TOKEN_ENABLED=true', 'API_TOKEN=${API_TOKEN}'],
      },
    };

    it('reports variables the secrets engine or the name heuristic flag, never their values', () => {
      const secretScanner = createScanEngine({ fingerprintKey: new Uint8Array(32).fill(7) });
      const [sut] = evaluateMetadata(leaky, spec({}), { secretScanner });
      expect(sut).toMatchObject({ id: 'metadata.noSecretEnv', status: 'failed' });
      expect(sut?.reason).toContain('GH_CLIENT matches secret rule github-pat');
      expect(sut?.reason).toContain('DATABASE_URL holds a URL with a password');
      expect(sut?.reason).toContain('STRIPE_API_KEY');
      // References (a *_FILE path), switches and placeholders are not secrets.
      expect(sut?.reason).not.toMatch(/JWT_SECRET_FILE|FEATURE_TOKEN_ENABLED|API_TOKEN is/);
      for (const value of [TOKEN, 'Hunter2Hunter2', 'sk_live_made_up_value_123', TOKEN.slice(4, 14)]) expect(sut?.reason).not.toContain(value);
    });

    it('without the engine, still flags credential names and URLs with passwords', () => {
      const [sut] = evaluateMetadata(leaky, spec({}));
      expect(sut?.reason).toContain('DATABASE_URL');
      expect(sut?.reason).toContain('STRIPE_API_KEY is named like a credential');
      expect(sut?.reason).not.toContain('GH_CLIENT');
    });

    it('honours allowEnv and can be switched off', () => {
      expect(evaluateMetadata(leaky, spec({ allowEnv: ['DATABASE_URL', 'STRIPE_API_KEY'] }))).toEqual([{ id: 'metadata.noSecretEnv', kind: 'metadata', status: 'passed' }]);
      expect(evaluateMetadata(leaky, spec({ noSecretEnv: false }))).toEqual([]);
    });
  });

  it('returns nothing without a metadata section', () => {
    expect(evaluateMetadata(SERVICE, { commands: [] })).toEqual([]);
    expect(evaluateMetadata(SERVICE, undefined)).toEqual([]);
  });
});
