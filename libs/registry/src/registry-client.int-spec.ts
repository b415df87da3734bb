import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { extract as createExtract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blobPath,
  buildImage,
  buildIndex,
  pushImage,
  registryHost,
  registryStackEnv,
  tarOf,
  type BuiltImage,
  type RegistryStackEnv,
} from '@portcullis/testing';
import { MediaTypes } from './media-types.js';
import { RegistryClient } from './registry-client.js';
import { RegistryError } from './registry.error.js';

async function filesOf(tar: Readable): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const extract = createExtract();
  tar.on('error', (e) => extract.destroy(e));
  tar.pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    if (entry.header.type === 'file') files[entry.header.name] = Buffer.concat(chunks).toString('utf8');
  }
  return files;
}

async function drain(stream: Readable): Promise<number> {
  let n = 0;
  for await (const c of stream) n += (c as Buffer).length;
  return n;
}

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  try {
    await promise;
  } catch (error) {
    return error as RegistryError;
  }
  throw new Error('expected a failure');
}

/** The stack's https registry (same storage as REGISTRY_URL) and the PEM of the stack-local CA that signed its certificate. */
async function tlsStackEnv(): Promise<{ url: string; caPem: string }> {
  const url = process.env['REGISTRY_TLS_URL'];
  const caFile = process.env['REGISTRY_TLS_CA_FILE'];
  if (!url || !caFile) {
    throw new Error('REGISTRY_TLS_URL, REGISTRY_TLS_CA_FILE not set: run `tools/stack/stack up` (or --only registry) and `set -a; . .stack/env; set +a`');
  }
  return { url, caPem: await readFile(caFile, 'utf8') };
}

const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const repo = (name: string): string => `it-${run}/${name}`;
const osRelease = (id: string): string => `ID=${id}\nVERSION_ID="1.${randomBytes(4).toString('hex')}"\n`;

describe('RegistryClient against the stack registry (distribution 2.8)', () => {
  let env: RegistryStackEnv;
  let host: string;
  let sut: RegistryClient;

  beforeAll(() => {
    env = registryStackEnv();
    host = registryHost(env.url);
    sut = new RegistryClient({ registries: [{ registry: host, url: env.url, insecure: true }] });
  });
  afterAll(async () => {
    await sut.close();
  });

  it('resolves an OCI image by tag and streams its gzip layer as a verified tar', async () => {
    const image = await buildImage({ layers: [{ files: { 'etc/os-release': osRelease('alpine'), 'bin/sh': '#!' } }] });
    const digest = await pushImage(env.url, repo('oci'), 'v1', image);

    const resolved = await sut.resolve(`${host}/${repo('oci')}:v1`);

    expect(resolved.digest).toBe(digest);
    expect(resolved.manifest.mediaType).toBe(MediaTypes.ociManifest);
    expect(resolved.platform).toEqual({ os: 'linux', architecture: 'amd64' });
    const layer = await sut.openLayer(resolved.reference, resolved.manifest.layers[0]!, { diffId: resolved.config.diffIds[0]! });
    const files = await filesOf(layer);
    expect(files['etc/os-release']).toMatch(/^ID=alpine/);
  });

  it('resolves a Docker v2 schema 2 image and the same image by digest', async () => {
    const image = await buildImage({ format: 'docker', layers: [{ files: { 'etc/debian_version': '12.5\n' } }] });
    const digest = await pushImage(env.url, repo('docker'), 'latest', image);

    const byTag = await sut.resolve(`${host}/${repo('docker')}`);
    const byDigest = await sut.resolve(`${host}/${repo('docker')}@${digest}`);

    expect(byTag.manifest.mediaType).toBe(MediaTypes.dockerManifest);
    expect(byTag.manifest.layers[0]!.mediaType).toBe(MediaTypes.dockerLayerGzip);
    expect(byDigest.digest).toBe(digest);
    expect(await filesOf(await sut.openLayer(byTag.reference, byTag.manifest.layers[0]!))).toEqual({ 'etc/debian_version': '12.5\n' });
  });

  it.each(['oci', 'docker'] as const)('picks the platform manifest from a multi-arch %s index', async (format) => {
    const amd64 = await buildImage({ format, layers: [{ files: { arch: 'amd64' } }] });
    const arm64 = await buildImage({ format, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, layers: [{ files: { arch: 'arm64' } }] });
    const index = buildIndex([arm64, amd64], format, [
      // a buildkit attestation entry must never be picked
      { mediaType: MediaTypes.ociManifest, digest: arm64.manifest.digest, size: arm64.manifest.size, platform: { os: 'unknown', architecture: 'unknown' } },
    ]);
    const indexDigest = await pushImage(env.url, repo(`multi-${format}`), 'v1', index);
    const ref = `${host}/${repo(`multi-${format}`)}:v1`;

    const byDefault = await sut.resolve(ref);
    const forArm = await sut.resolve(ref, { platform: { os: 'linux', architecture: 'arm64' } });

    expect(byDefault.digest).toBe(amd64.manifest.digest);
    expect(byDefault.indexDigest).toBe(indexDigest);
    expect(forArm.digest).toBe(arm64.manifest.digest);
    expect(forArm.platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(await filesOf(await sut.openLayer(forArm.reference, forArm.manifest.layers[0]!))).toEqual({ arch: 'arm64' });
    const missing = await failure(sut.resolve(ref, { platform: { os: 'linux', architecture: 's390x' } }));
    expect(missing.code).toBe('PLATFORM_NOT_FOUND');
  });

  it('reads zstd-compressed layers (OCI tar+zstd)', async () => {
    const image = await buildImage({ layers: [{ compression: 'zstd', files: { 'usr/lib/os-release': osRelease('wolfi') } }] });
    await pushImage(env.url, repo('zstd'), 'v1', image);

    const resolved = await sut.resolve(`${host}/${repo('zstd')}:v1`);

    expect(resolved.manifest.layers[0]!.mediaType).toBe(MediaTypes.ociLayerZstd);
    const files = await filesOf(await sut.openLayer(resolved.reference, resolved.manifest.layers[0]!, { diffId: resolved.config.diffIds[0]! }));
    expect(files['usr/lib/os-release']).toMatch(/^ID=wolfi/);
  });

  it('fails the blob stream with DIGEST_MISMATCH when the stored blob was corrupted', async () => {
    const image = await buildImage({ layers: [{ files: { 'etc/os-release': osRelease('corrupt') } }] });
    await pushImage(env.url, repo('corrupt'), 'v1', image);
    const layer = image.layers[0]!;
    const path = blobPath(env.root, layer.digest);
    const bytes = await readFile(path);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff; // same length, different content
    await writeFile(path, bytes);

    const resolved = await sut.resolve(`${host}/${repo('corrupt')}:v1`);
    const error = await failure(drain(await sut.openBlob(resolved.reference, resolved.manifest.layers[0]!)));

    expect(error.code).toBe('DIGEST_MISMATCH');
    expect(error.disposition).toBe('permanent');
  });

  it('cuts a decompression bomb at the configured uncompressed cap', async () => {
    const bomb = gzipSync(await tarOf({ zeros: Buffer.alloc(16 * 1024 * 1024) })); // ≈16 KiB → 16 MiB
    const image = await buildImage({ layers: [{ raw: bomb, compression: 'gzip' }] });
    await pushImage(env.url, repo('bomb'), 'v1', image);
    const capped = new RegistryClient({ registries: [{ registry: host, url: env.url, insecure: true }], limits: { maxLayerUncompressedBytes: 1024 * 1024 } });
    try {
      const resolved = await capped.resolve(`${host}/${repo('bomb')}:v1`);
      const error = await failure(drain(await capped.openLayer(resolved.reference, resolved.manifest.layers[0]!)));
      expect(error.code).toBe('SIZE_LIMIT');
    } finally {
      await capped.close();
    }
  });

  it('reports a truncated gzip layer (valid digest, broken compression) as LAYER_CORRUPT', async () => {
    const full = gzipSync(await tarOf({ 'etc/passwd': `root:x:0:0:${randomBytes(64).toString('hex')}\n` }));
    const image = await buildImage({ layers: [{ raw: full.subarray(0, full.length - 20), compression: 'gzip' }] });
    await pushImage(env.url, repo('truncated'), 'v1', image);

    const resolved = await sut.resolve(`${host}/${repo('truncated')}:v1`);
    const error = await failure(drain(await sut.openLayer(resolved.reference, resolved.manifest.layers[0]!)));

    expect(error.code).toBe('LAYER_CORRUPT');
  });

  it('answers NOT_FOUND for a missing repository and a missing tag', async () => {
    await pushImage(env.url, repo('present'), 'v1', await buildImage({ layers: [{ files: { a: 'a' } }] }));

    const noRepo = await failure(sut.resolve(`${host}/${repo('absent')}:v1`));
    const noTag = await failure(sut.resolve(`${host}/${repo('present')}:v2`));

    expect([noRepo.code, noTag.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(noTag.retryable).toBe(false);
  });

  it('refuses references to registries that are not configured', async () => {
    const error = await failure(sut.resolve(`127.0.0.1:1/${repo('oci')}:v1`));
    expect(error.code).toBe('REGISTRY_NOT_CONFIGURED');
  });

  describe('https registry with a stack-local CA (same storage)', () => {
    let tls: { url: string; caPem: string };
    let tlsHost: string;
    let image: BuiltImage;
    const tlsRepo = repo('tls');

    beforeAll(async () => {
      tls = await tlsStackEnv();
      tlsHost = registryHost(tls.url);
      image = await buildImage({ layers: [{ files: { 'etc/os-release': osRelease('tls') } }] });
      await pushImage(env.url, tlsRepo, 'v1', image);
    });

    async function pullWith(config: { caPem?: string; insecure?: boolean }): Promise<Record<string, string>> {
      const client = new RegistryClient({ registries: [{ registry: tlsHost, url: tls.url, ...config }] });
      try {
        const resolved = await client.resolve(`${tlsHost}/${tlsRepo}:v1`);
        expect(resolved.digest).toBe(image.manifest.digest);
        return await filesOf(await client.openLayer(resolved.reference, resolved.manifest.layers[0]!, { diffId: resolved.config.diffIds[0]! }));
      } finally {
        await client.close();
      }
    }

    it('resolves and pulls over verified TLS when caPem is the stack CA', async () => {
      expect(new URL(tls.url).protocol).toBe('https:');

      const files = await pullWith({ caPem: tls.caPem });

      expect(files['etc/os-release']).toMatch(/^ID=tls/);
    });

    it('fails with a retryable NETWORK error naming the certificate problem with system roots only, without falling back to http', async () => {
      const client = new RegistryClient({ registries: [{ registry: tlsHost, url: tls.url }] });
      try {
        const error = await failure(client.resolve(`${tlsHost}/${tlsRepo}:v1`));

        expect(error).toBeInstanceOf(RegistryError);
        // a plain-http retry on this port would get HTTP 400 (REQUEST_REJECTED), never NETWORK
        expect(error.code).toBe('NETWORK');
        expect(error.disposition).toBe('retry');
        expect(error.message).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED_CERT|CERT_/);
        expect(error.message).toContain(tlsHost);
      } finally {
        await client.close();
      }
    });

    it('pulls over unverified TLS with insecure: true and no CA (Docker insecure registry)', async () => {
      const files = await pullWith({ insecure: true });

      expect(files['etc/os-release']).toMatch(/^ID=tls/);
    });
  });

  describe('authenticated registries (same storage)', () => {
    let image: BuiltImage;
    const authRepo = repo('private');

    beforeAll(async () => {
      image = await buildImage({ layers: [{ files: { 'etc/os-release': osRelease('private') } }] });
      await pushImage(env.url, authRepo, 'v1', image);
    });

    it.each([
      ['basic', () => env.basicUrl],
      ['bearer', () => env.bearerUrl],
    ] as const)('%s: pulls with the right credentials, fails with AUTH_FAILED otherwise', async (_kind, url) => {
      const h = registryHost(url());
      const client = (credentials?: { username: string; password: string }): RegistryClient =>
        new RegistryClient({ registries: [{ registry: h, url: url(), insecure: true, ...(credentials ? { credentials } : {}) }] });
      const good = client({ username: env.user, password: env.password });
      const wrong = client({ username: env.user, password: 'not-the-password' });
      const anonymous = client();
      try {
        const resolved = await good.resolve(`${h}/${authRepo}:v1`);
        expect(resolved.digest).toBe(image.manifest.digest);
        expect(await filesOf(await good.openLayer(resolved.reference, resolved.manifest.layers[0]!))).toHaveProperty('etc/os-release');

        const errors = [await failure(wrong.resolve(`${h}/${authRepo}:v1`)), await failure(anonymous.resolve(`${h}/${authRepo}:v1`))];
        expect(errors.map((e) => e.code)).toEqual(['AUTH_FAILED', 'AUTH_FAILED']);
        for (const e of errors) expect(e.message).not.toContain(env.password);
      } finally {
        await Promise.all([good.close(), wrong.close(), anonymous.close()]);
      }
    });
  });
});
