import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from './http-transport.js';
import { MediaTypes } from './media-types.js';
import { parseRetryAfter, RegistryClient } from './registry-client.js';
import type { RegistryConfig } from './registry-config.js';
import type { RegistryError } from './registry.error.js';

const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const REGISTRY = 'registry.example';
const ORIGIN = 'https://registry.example';

type Route = (req: HttpRequest) => Partial<Omit<HttpResponse, 'body'>> & { body?: string | Buffer };

/** A fake HTTP port: routes by URL (origin + path), records every request it got. */
function fakeHttp(routes: Record<string, Route>) {
  const requests: HttpRequest[] = [];
  const send = async (req: HttpRequest): Promise<HttpResponse> => {
    requests.push(req);
    const route = routes[`${req.url.origin}${req.url.pathname}`];
    const r = route ? route(req) : { status: 404 };
    return { status: r.status ?? 200, headers: r.headers ?? {}, body: Readable.from([Buffer.from(r.body ?? '')]) };
  };
  return { requests, transportFor: () => ({ send, close: async () => {} }) };
}

function client(http: ReturnType<typeof fakeHttp>, config: Partial<RegistryConfig> = {}, now = () => 0): RegistryClient {
  return new RegistryClient({ registries: [{ registry: REGISTRY, url: ORIGIN, ...config }], limits: { maxManifestBytes: 1024 } }, { transportFor: http.transportFor, now });
}

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  try {
    await promise;
  } catch (error) {
    return error as RegistryError;
  }
  throw new Error('expected a failure');
}

const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] } }));
const manifest = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: { mediaType: MediaTypes.ociConfig, digest: sha(config), size: config.length }, layers: [] }),
);
const layer = Buffer.from('layer bytes');
const layerDescriptor = { mediaType: MediaTypes.ociLayer, digest: sha(layer), size: layer.length };

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('RegistryClient (fake HTTP)', () => {
  it('follows a blob redirect to object storage without sending the registry credentials there', async () => {
    const http = fakeHttp({
      [`${ORIGIN}/v2/app/blobs/${layerDescriptor.digest}`]: (req) =>
        req.headers['authorization'] ? { status: 307, headers: { location: 'https://bucket.storage.example/blob?sig=1' } } : { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } },
      'https://bucket.storage.example/blob': () => ({ body: layer, headers: { 'content-length': String(layer.length) } }),
    });
    const sut = client(http, { credentials: { username: 'u', password: 'p' } });

    expect(await text(await sut.openBlob(`${REGISTRY}/app`, layerDescriptor))).toBe('layer bytes');

    const [anonymous, withCreds, storage] = http.requests;
    expect(anonymous!.headers['authorization']).toBeUndefined();
    expect(withCreds!.headers['authorization']).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(storage!.url.host).toBe('bucket.storage.example');
    expect(storage!.headers['authorization']).toBeUndefined();
    expect(storage!.registryOrigin).toBe(false);
  });

  it('never re-adds credentials after a redirect left the registry, refuses downgrades and endless loops', async () => {
    const http = fakeHttp({
      [`${ORIGIN}/v2/app/blobs/${layerDescriptor.digest}`]: () => ({ status: 302, headers: { location: 'https://cdn.example/x' } }),
      'https://cdn.example/x': () => ({ status: 302, headers: { location: `${ORIGIN}/again` } }),
      [`${ORIGIN}/again`]: () => ({ status: 302, headers: { location: 'http://cdn.example/plain' } }),
    });
    const sut = client(http, { credentials: { bearerToken: 'tok' } });

    const error = await failure(sut.openBlob(`${REGISTRY}/app`, layerDescriptor));

    expect(error.code).toBe('REDIRECT_REFUSED');
    expect(http.requests.map((r) => r.headers['authorization'])).toEqual(['Bearer tok', undefined, undefined]);

    const loop = fakeHttp({ [`${ORIGIN}/v2/app/blobs/${layerDescriptor.digest}`]: (req) => ({ status: 301, headers: { location: req.url.pathname } }) });
    expect((await failure(client(loop).openBlob(`${REGISTRY}/app`, layerDescriptor))).code).toBe('REDIRECT_REFUSED');
    expect(loop.requests).toHaveLength(6); // first request + maxRedirects (5)
  });

  it('runs the bearer challenge flow: token from the realm with Basic creds, scoped to the repository, then cached', async () => {
    let now = 0;
    const http = fakeHttp({
      [`${ORIGIN}/v2/team/app/manifests/v1`]: (req) =>
        req.headers['authorization'] === 'Bearer T1'
          ? { body: manifest, headers: { 'content-type': MediaTypes.ociManifest } }
          : { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example/token",service="reg",scope="repository:team/app:pull,push"' } },
      'https://auth.example/token': (req) =>
        req.headers['authorization'] === `Basic ${Buffer.from('u:p').toString('base64')}` &&
        req.url.searchParams.get('service') === 'reg' &&
        req.url.searchParams.getAll('scope').join() === 'repository:team/app:pull'
          ? { body: JSON.stringify({ token: 'T1', expires_in: 300 }) }
          : { status: 401 },
    });
    const sut = client(http, { credentials: { username: 'u', password: 'p' } }, () => now);

    await sut.fetchManifest(`${REGISTRY}/team/app:v1`);
    await sut.fetchManifest(`${REGISTRY}/team/app:v1`);
    expect(http.requests.map((r) => r.url.host)).toEqual(['registry.example', 'auth.example', 'registry.example', 'registry.example']);

    now = 300_000; // expired: asks for a new token
    await sut.fetchManifest(`${REGISTRY}/team/app:v1`);
    expect(http.requests.filter((r) => r.url.host === 'auth.example')).toHaveLength(2);
  });

  it('refuses a bearer realm over plain http for a secure registry (credentials would travel in clear)', async () => {
    const http = fakeHttp({
      [`${ORIGIN}/v2/app/manifests/v1`]: () => ({ status: 401, headers: { 'www-authenticate': 'Bearer realm="http://auth.example/token"' } }),
    });
    const error = await failure(client(http, { credentials: { username: 'u', password: 'p' } }).fetchManifest(`${REGISTRY}/app:v1`));
    expect(error.code).toBe('AUTH_FAILED');
    expect(http.requests).toHaveLength(1);
  });

  it.each([
    [429, { 'retry-after': '7' }, 'RATE_LIMITED', 'retry', 7000],
    [503, { 'retry-after': '2' }, 'REGISTRY_UNAVAILABLE', 'retry', 2000],
    [500, {}, 'REGISTRY_UNAVAILABLE', 'retry', undefined],
    [404, {}, 'NOT_FOUND', 'permanent', undefined],
    [403, {}, 'AUTH_FAILED', 'permanent', undefined],
    [400, {}, 'REQUEST_REJECTED', 'permanent', undefined],
  ])('maps HTTP %i to %s', async (status, headers, code, disposition, retryAfterMs) => {
    const http = fakeHttp({ [`${ORIGIN}/v2/app/manifests/v1`]: () => ({ status, headers, body: '{"errors":[{"code":"SOMETHING"}]}' }) });
    const error = await failure(client(http).fetchManifest(`${REGISTRY}/app:v1`));
    expect(error).toMatchObject({ code, disposition, retryAfterMs });
    expect(error.message).toContain('SOMETHING');
  });

  it('detects manifests that do not match their digest, and oversized manifests', async () => {
    const http = fakeHttp({
      [`${ORIGIN}/v2/app/manifests/v1`]: () => ({ body: manifest, headers: { 'docker-content-digest': sha('other'), 'content-type': MediaTypes.ociManifest } }),
      [`${ORIGIN}/v2/app/manifests/${sha('x')}`]: () => ({ body: manifest }),
      [`${ORIGIN}/v2/app/manifests/big`]: () => ({ body: Buffer.alloc(2048, 32) }),
    });
    const sut = client(http);
    expect((await failure(sut.fetchManifest(`${REGISTRY}/app:v1`))).code).toBe('DIGEST_MISMATCH');
    expect((await failure(sut.fetchManifest(`${REGISTRY}/app@${sha('x')}`))).code).toBe('DIGEST_MISMATCH');
    expect((await failure(sut.fetchManifest(`${REGISTRY}/app:big`))).code).toBe('SIZE_LIMIT');
  });

  it('errors the blob stream when bytes differ from the descriptor, and refuses unknown layer types', async () => {
    const http = fakeHttp({ [`${ORIGIN}/v2/app/blobs/${layerDescriptor.digest}`]: () => ({ body: 'LAYER BYTES' }) });
    const sut = client(http);
    const error = await failure(text(await sut.openBlob(`${REGISTRY}/app`, layerDescriptor)));
    expect(error.code).toBe('DIGEST_MISMATCH');
    const foreign = { ...layerDescriptor, mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip' };
    expect((await failure(sut.openLayer(`${REGISTRY}/app`, foreign))).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('resolves a manifest and its config', async () => {
    const http = fakeHttp({
      [`${ORIGIN}/v2/app/manifests/v1`]: () => ({ body: manifest, headers: { 'content-type': MediaTypes.ociManifest } }),
      [`${ORIGIN}/v2/app/blobs/${sha(config)}`]: () => ({ body: config }),
    });
    const resolved = await client(http).resolve(`${REGISTRY}/app:v1`);
    expect(resolved).toMatchObject({ digest: sha(manifest), platform: { os: 'linux', architecture: 'amd64' } });
  });
});

describe('RegistryClient configuration', () => {
  it('refuses plain http unless the registry is marked insecure, and URLs with credentials', () => {
    expect(() => new RegistryClient({ registries: [{ registry: 'r', url: 'http://r:5000' }] })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => new RegistryClient({ registries: [{ registry: 'r', url: 'https://u:p@r' }] })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => new RegistryClient({ registries: [{ registry: 'r', url: 'http://r:5000', insecure: true }] })).not.toThrow();
  });

  it('refuses unconfigured registries, and internal hosts even when public access is allowed', async () => {
    const strict = new RegistryClient({ registries: [] });
    expect((await failure(strict.resolve('ghcr.io/a/b:1'))).code).toBe('REGISTRY_NOT_CONFIGURED');
    const open = new RegistryClient({ registries: [], allowUnconfiguredPublic: true });
    for (const ref of ['127.0.0.1:5000/a:1', 'localhost/a:1', 'metadata.internal:80/a:1'.replace('metadata.internal', '10.0.0.1')]) {
      expect((await failure(open.resolve(ref))).code).toBe('REGISTRY_NOT_CONFIGURED');
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
