import { describe, expect, it } from 'vitest';
import { parseImageConfig, parseManifest, parsePlatform, selectPlatform, type ImageIndex } from './manifest.js';
import { MediaTypes } from './media-types.js';

const limits = { maxLayers: 3, maxIndexEntries: 4 };
const d = (c: string): string => `sha256:${c.repeat(64)}`;
const bytes = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const manifestJson = (mediaType?: string, layers = 1): Record<string, unknown> => ({
  schemaVersion: 2,
  ...(mediaType ? { mediaType } : {}),
  config: { mediaType: MediaTypes.ociConfig, digest: d('c'), size: 10 },
  layers: Array.from({ length: layers }, () => ({ mediaType: MediaTypes.ociLayerGzip, digest: d('1'), size: 5 })),
});
const entry = (digest: string, platform?: object): object => ({ mediaType: MediaTypes.ociManifest, digest, size: 1, ...(platform ? { platform } : {}) });

describe('parseManifest', () => {
  it('reads OCI and Docker manifests and indexes by their media type', () => {
    expect(parseManifest(bytes(manifestJson(MediaTypes.ociManifest)), MediaTypes.ociManifest, limits)).toMatchObject({ kind: 'manifest', layers: [{ size: 5 }] });
    expect(parseManifest(bytes(manifestJson(MediaTypes.dockerManifest)), undefined, limits).mediaType).toBe(MediaTypes.dockerManifest);
    const list = { schemaVersion: 2, mediaType: MediaTypes.dockerManifestList, manifests: [entry(d('a'), { os: 'linux', architecture: 'amd64' })] };
    expect(parseManifest(bytes(list), MediaTypes.dockerManifestList, limits)).toMatchObject({ kind: 'index', manifests: [{ digest: d('a') }] });
  });

  it('falls back to Content-Type, then to the shape, when the body has no mediaType (allowed by OCI)', () => {
    expect(parseManifest(bytes(manifestJson()), MediaTypes.dockerManifest, limits).mediaType).toBe(MediaTypes.dockerManifest);
    expect(parseManifest(bytes({ schemaVersion: 2, manifests: [] }), 'application/json', limits).kind).toBe('index');
  });

  it.each([
    ['not JSON', Buffer.from('{nope'), 'MANIFEST_INVALID'],
    ['an array', bytes([]), 'MANIFEST_INVALID'],
    ['schema 1', bytes({ schemaVersion: 1, name: 'x' }), 'UNSUPPORTED_MEDIA_TYPE'],
    ['an unknown media type', bytes({ ...manifestJson(), mediaType: 'application/vnd.example+json' }), 'UNSUPPORTED_MEDIA_TYPE'],
    ['a bad digest', bytes({ ...manifestJson(MediaTypes.ociManifest), config: { mediaType: MediaTypes.ociConfig, digest: 'md5:x', size: 1 } }), 'MANIFEST_INVALID'],
    ['a negative size', bytes({ ...manifestJson(MediaTypes.ociManifest), config: { mediaType: MediaTypes.ociConfig, digest: d('c'), size: -1 } }), 'MANIFEST_INVALID'],
    ['too many layers', bytes(manifestJson(MediaTypes.ociManifest, 4)), 'SIZE_LIMIT'],
    ['too many index entries', bytes({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: Array(5).fill(entry(d('a'))) }), 'SIZE_LIMIT'],
    ['a body type contradicting Content-Type', bytes(manifestJson(MediaTypes.ociManifest)), 'MANIFEST_INVALID', MediaTypes.dockerManifest],
  ])('refuses %s', (_name, body, code, contentType?: string) => {
    expect(() => parseManifest(body, contentType, limits)).toThrow(expect.objectContaining({ code }));
  });
});

describe('selectPlatform', () => {
  const index: ImageIndex = {
    kind: 'index',
    mediaType: MediaTypes.ociIndex,
    manifests: [
      { mediaType: MediaTypes.ociManifest, digest: d('0'), size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
      { mediaType: MediaTypes.ociManifest, digest: d('1'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
      { mediaType: MediaTypes.ociManifest, digest: d('2'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      { mediaType: MediaTypes.ociManifest, digest: d('3'), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { mediaType: MediaTypes.ociManifest, digest: d('4'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    ],
  };

  it('picks by os/architecture and by variant when one is asked for', () => {
    expect(selectPlatform(index, { os: 'linux', architecture: 'amd64' }).digest).toBe(d('4'));
    expect(selectPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v7' }).digest).toBe(d('2'));
    expect(selectPlatform(index, { os: 'linux', architecture: 'arm' }).digest).toBe(d('1'));
  });

  it('treats arm64 without variant and arm64/v8 as the same platform', () => {
    expect(selectPlatform(index, { os: 'linux', architecture: 'arm64' }).digest).toBe(d('3'));
    expect(selectPlatform(index, parsePlatform('linux/arm64/v8')).digest).toBe(d('3'));
  });

  it('never picks attestation entries and names what is available when nothing matches', () => {
    expect(() => selectPlatform(index, { os: 'unknown', architecture: 'unknown' })).toThrow(expect.objectContaining({ code: 'PLATFORM_NOT_FOUND' }));
    expect(() => selectPlatform(index, { os: 'windows', architecture: 'amd64' })).toThrow(/available: linux\/arm\/v6, linux\/arm\/v7, linux\/arm64\/v8, linux\/amd64/);
  });
});

describe('parseImageConfig', () => {
  it('requires a container image config with os, architecture and diff_ids', () => {
    const config = { os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [d('e')] } };
    expect(parseImageConfig(bytes(config), MediaTypes.ociConfig).diffIds).toEqual([d('e')]);
    expect(() => parseImageConfig(bytes(config), 'application/vnd.cncf.helm.config.v1+json')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' }));
    expect(() => parseImageConfig(bytes({ os: 'linux', architecture: 'amd64' }), MediaTypes.ociConfig)).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }));
  });
});
