import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../test/memory-file-system.js';
import { evaluateContent } from './evaluate-content.js';
import { resolveImageTests, type ImageTestSpec } from './image-tests.schema.js';

function spec(content: unknown): ImageTestSpec {
  const resolved = resolveImageTests({ content });
  if (!resolved.ok || !resolved.spec) throw new Error(resolved.ok ? 'no spec' : resolved.problems.join('\n'));
  return resolved.spec;
}

const PEM_KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n';
const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----\n';

/** A distroless-style image: just the app, certificates and a passwd file. */
const distroless = () =>
  memoryFileSystem({
    app: { type: 'directory', uid: 1000, gid: 1000 },
    'app/server': { content: '\x7fELF…v1.4.2…', mode: 0o755, uid: 1000, gid: 1000 },
    'app/.env.example': 'DB_URL=\n',
    'etc/passwd': 'root:x:0:0::/root:/sbin/nologin\napp:x:1000:1000::/app:/sbin/nologin\n',
    'etc/ssl/certs/ca-certificates.crt': PEM_CERT,
  });

/** A careless image: a shell, apt, the repository's .git, a key and an .env. */
const careless = () =>
  memoryFileSystem({
    'bin/sh': { content: 'ELF', mode: 0o755 },
    'usr/bin/apt-get': { content: 'ELF', mode: 0o755 },
    'app/server': { content: 'ELF server', mode: 0o4777, uid: 0 },
    'app/.git': { type: 'directory' },
    'app/.git/config': '[core]\n',
    'app/.env': 'DB_PASSWORD=…\n',
    'app/certs/tls.pem': PEM_CERT + PEM_KEY,
    'root/.ssh/id_ed25519': 'key',
  });

const ALL = {
  forbid: ['shells', 'package-managers', 'git', 'private-keys', 'dotenv', 'credential-files'],
  mustExist: ['/app/server', '/etc/ssl/certs/*.crt'],
  mustNotExist: ['**/*.log'],
  files: [
    { id: 'server', path: '/app/server', type: 'file', maxMode: '0755', uid: 1000, contains: ['v\\d+\\.\\d+'] },
    { id: 'passwd', path: '/etc/passwd', notContains: ['^app:[^:]*:0:', '(?m)^[^:]+:[^:]*:0:[^:]*:[^:]*:[^:]*:/bin/(ba)?sh$'] },
  ],
};

describe('evaluateContent', () => {
  it('passes a minimal image', async () => {
    const results = await evaluateContent(distroless(), spec(ALL));
    expect(results.filter((r) => r.status !== 'passed')).toEqual([]);
    expect(results.map((r) => r.id)).toEqual([
      'content.forbid.shells',
      'content.forbid.package-managers',
      'content.forbid.git',
      'content.forbid.private-keys',
      'content.forbid.dotenv',
      'content.forbid.credential-files',
      'content.mustExist',
      'content.mustNotExist',
      'content.file.server',
      'content.file.passwd',
    ]);
  });

  it('fails a careless image, naming the paths but never file content', async () => {
    const results = await evaluateContent(careless(), spec(ALL));
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId['content.forbid.shells']).toMatchObject({ status: 'failed', reason: 'found bin/sh' });
    expect(byId['content.forbid.package-managers']).toMatchObject({ status: 'failed', reason: 'found usr/bin/apt-get' });
    expect(byId['content.forbid.git']).toMatchObject({ status: 'failed', reason: 'found app/.git, app/.git/config' });
    expect(byId['content.forbid.private-keys']).toMatchObject({ status: 'failed', reason: 'found root/.ssh/id_ed25519, app/certs/tls.pem (a PEM private key)' });
    expect(byId['content.forbid.dotenv']).toMatchObject({ status: 'failed', reason: 'found app/.env' });
    expect(byId['content.forbid.credential-files']?.status).toBe('passed');
    expect(byId['content.mustExist']).toMatchObject({ status: 'failed', reason: 'nothing matches /etc/ssl/certs/*.crt' });
    expect(byId['content.file.server']).toMatchObject({ status: 'failed', reason: 'app/server has mode 04777, more than 0755' });
    expect(byId['content.file.passwd']).toMatchObject({ status: 'failed', reason: 'nothing matches /etc/passwd' });
    expect(JSON.stringify(results)).not.toMatch(/MIIEpAIBAAKCAQEA|DB_PASSWORD/);
  });

  it('checks ownership and content patterns of every file a glob matches', async () => {
    const fs = memoryFileSystem({
      'app/a.js': { content: 'ok', uid: 1000 },
      'app/b.js': { content: 'eval(atob("…"))', uid: 1000 },
      'app/c.js': { content: 'ok', uid: 0 },
    });
    const [sut] = await evaluateContent(fs, spec({ files: [{ id: 'js', path: 'app/*.js', uid: 1000, notContains: ['eval\\('] }] }));
    expect(sut).toEqual({ id: 'content.file.js', kind: 'content', status: 'failed', reason: 'app/c.js is owned by uid 0, expected 1000, app/b.js matches /eval\\(/' });
  });

  it('reads at most maxReadBytes of a file', async () => {
    const fs = memoryFileSystem({ 'app/big.txt': `${'x'.repeat(100)}MARKER` });
    const [sut] = await evaluateContent(fs, spec({ maxReadBytes: 50, files: [{ id: 'marker', path: 'app/big.txt', contains: ['MARKER'] }] }));
    expect(sut?.status).toBe('failed');
    expect(fs.reads).toEqual([{ path: 'app/big.txt', maxBytes: 50 }]);
  });

  it('announces every read to prefetch at once before reading, so layers are read once each', async () => {
    const fs = careless();
    await evaluateContent(fs, spec({ forbid: ['private-keys'], files: [{ id: 'cfg', path: 'app/.git/config', contains: ['core'] }] }));
    expect(fs.prefetched).toEqual([
      [
        { path: 'app/certs/tls.pem', maxBytes: 64 * 1024 },
        { path: 'app/.git/config', maxBytes: 1024 * 1024 },
      ],
    ]);
    expect(fs.reads.map((r) => r.path)).toEqual(['app/certs/tls.pem', 'app/.git/config']);
  });

  it('reports every check as not run without a file system', async () => {
    const results = await evaluateContent(undefined, spec(ALL));
    expect(results).toHaveLength(10);
    expect(results.every((r) => r.status === 'not-run' && r.reason === 'the image file system was not available')).toBe(true);
  });

  it('keeps .env examples and templates out of the dotenv preset', async () => {
    const fs = memoryFileSystem({ 'app/.env.example': 'A=\n', 'app/.env.template': 'A=\n', 'app/.env.production': 'A=1\n' });
    const [sut] = await evaluateContent(fs, spec({ forbid: ['dotenv'] }));
    expect(sut).toMatchObject({ status: 'failed', reason: 'found app/.env.production' });
  });
});
