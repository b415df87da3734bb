import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chunked, dpkgStanza, layer, tarBytes } from '../test/layers.js';
import { SbomError } from './errors.js';
import { indexLayer } from './layer-index.js';
import { openLayer } from './layer-media.js';

const DIGEST = 'sha256:' + 'a'.repeat(64);
const fixture = (name: string): Promise<Buffer> => readFile(new URL(`../test/fixtures/${name}`, import.meta.url));

async function failure(promise: Promise<unknown>): Promise<SbomError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SbomError)) throw new Error(`expected an SbomError, got ${String(error)}`);
  return error;
}

describe('indexLayer', () => {
  it('keeps only what cataloguers need, parsed, and a JSON round trip changes nothing', async () => {
    const sut = await indexLayer(
      DIGEST,
      await layer([
        { name: './etc/' },
        { name: './etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
        { name: './var/lib/dpkg/status', content: dpkgStanza({ Package: 'bash', Status: 'install ok installed', Version: '5.2.15-2+b2' }) },
        { name: './var/lib/dpkg/status.d/tzdata', content: dpkgStanza({ Package: 'tzdata', Version: '2024a-0+deb12u1' }) },
        { name: './var/lib/dpkg/status.d/tzdata.md5sums', content: 'abc  usr/share/zoneinfo/UTC\n' },
        { name: './usr/share/doc/bash/README', content: 'not kept' },
        { name: './usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA', content: 'Name: requests\nVersion: 2.31.0\n' },
        { name: './app/node_modules/express/package.json', content: '{"name":"express","version":"4.18.2"}' },
        { name: './app/node_modules/express/lib/package.json', content: '{"name":"not-a-package","version":"0.0.0"}' },
      ]),
    );
    expect(sut.files.map((f) => f.path).sort()).toEqual([
      'app/node_modules/express/package.json',
      'etc/os-release',
      'usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA',
      'var/lib/dpkg/status',
      'var/lib/dpkg/status.d/tzdata',
    ]);
    expect(sut.files.find((f) => f.path === 'etc/os-release')?.distro).toEqual({ id: 'debian', versionId: '12' });
    expect(sut.stats.entries).toBe(9);
    expect(JSON.parse(JSON.stringify(sut))).toEqual(sut);
  });

  it('records whiteouts and opaque directories as the paths they hide', async () => {
    const sut = await indexLayer(
      DIGEST,
      await layer([
        { name: 'usr/lib/node_modules/.wh.left-pad', content: '' },
        { name: 'opt/app/.wh..wh..opq', content: '' },
        { name: '.wh.top-level', content: '' },
      ]),
    );
    expect([...sut.whiteouts].sort()).toEqual(['top-level', 'usr/lib/node_modules/left-pad']);
    expect(sut.opaqueDirs).toEqual(['opt/app']);
  });

  it('shadows a kept path overwritten later in the same layer by a symlink', async () => {
    const sut = await indexLayer(
      DIGEST,
      await layer([
        { name: 'app/node_modules/a/package.json', content: '{"name":"a","version":"1.0.0"}' },
        { name: 'app/node_modules/a/package.json', type: 'symlink', linkname: '/elsewhere/package.json' },
      ]),
    );
    expect(sut.files).toEqual([]);
    expect(sut.shadowed).toEqual(['app/node_modules/a/package.json']);
  });

  it('gives a hard link the record of its target', async () => {
    const sut = await indexLayer(
      DIGEST,
      await layer([
        { name: 'a/node_modules/x/package.json', content: '{"name":"x","version":"1.0.0"}' },
        { name: 'b/node_modules/x/package.json', type: 'link', linkname: 'a/node_modules/x/package.json' },
      ]),
    );
    expect(sut.files.map((f) => `${f.path}:${f.packages[0]?.version}`)).toEqual([
      'a/node_modules/x/package.json:1.0.0',
      'b/node_modules/x/package.json:1.0.0',
    ]);
  });

  it('reads maven coordinates from jars, nested jars included, and bounds inflation', async () => {
    const simple = await indexLayer(DIGEST, await layer([{ name: 'app/lib/jackson-databind.jar', content: await fixture('simple.jar') }]));
    expect(simple.files[0]?.packages).toEqual([
      { type: 'maven', namespace: 'com.fasterxml.jackson.core', name: 'jackson-databind', version: '2.15.2' },
    ]);

    const fat = await indexLayer(DIGEST, await layer([{ name: 'app/app.jar', content: await fixture('fat.jar') }]), {
      limits: { maxArchiveInflatedBytes: 1024 * 1024 },
    });
    expect(fat.files[0]?.packages).toEqual([
      { type: 'maven', namespace: 'com.example', name: 'app', version: '1.0.0' },
      { type: 'maven', namespace: 'org.apache.commons', name: 'commons-lang3', version: '3.12.0', innerPath: 'BOOT-INF/lib/commons-lang3-3.12.0.jar' },
    ]);
    expect(fat.warnings).toEqual([
      { code: 'ARCHIVE_LIMIT', path: 'app/app.jar', message: expect.stringContaining('BOOT-INF/lib/zeros.jar: 33554432 bytes inflated is over the limit') },
    ]);
  });

  it('warns about a jar that is not a zip and keeps going', async () => {
    const sut = await indexLayer(
      DIGEST,
      await layer([
        { name: 'app/broken.jar', content: 'PK but not really' },
        { name: 'app/node_modules/a/package.json', content: '{"name":"a","version":"1.0.0"}' },
      ]),
    );
    expect(sut.warnings.map((w) => [w.code, w.path])).toEqual([['UNPARSABLE', 'app/broken.jar']]);
    expect(sut.files.map((f) => f.path)).toEqual(['app/node_modules/a/package.json']);
  });

  it.each([
    ['application/vnd.oci.image.layer.v1.tar+gzip', gzipSync],
    ['application/vnd.oci.image.layer.v1.tar+zstd', zstdCompressSync],
    ['application/vnd.oci.image.layer.v1.tar', (b: Buffer) => b],
  ])('reads a %s layer through openLayer', async (mediaType, compress) => {
    const bytes = await tarBytes([{ name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.19.1\n' }]);
    const sut = await indexLayer(DIGEST, openLayer(mediaType, chunked(compress(bytes))));
    expect(sut.files[0]?.distro).toEqual({ id: 'alpine', versionId: '3.19.1' });
  });

  describe('bad input', () => {
    it.each([
      ['a ".." entry name', { name: '../../etc/passwd', content: 'x' }, '".." component'],
      ['a ".." inside a name', { name: 'usr/../../etc/passwd', content: 'x' }, '".." component'],
      ['an absolute entry name', { name: '/etc/os-release', content: 'ID=evil\n' }, 'absolute path'],
      ['a symlink escaping the root', { name: 'usr/lib/evil', type: 'symlink' as const, linkname: '../../../etc/shadow' }, 'escapes the root'],
      ['a hard link escaping the root', { name: 'usr/lib/evil', type: 'link' as const, linkname: '../etc/shadow' }, 'hard link target'],
    ])('fails the layer on %s', async (_what, entry, reason) => {
      const error = await failure(indexLayer(DIGEST, await layer([{ name: 'ok.txt', content: 'x' }, entry])));
      expect(error.code).toBe('UNSAFE_ENTRY');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(reason);
    });

    it('only warns on unsafe entries when asked to, and never reads them', async () => {
      const sut = await indexLayer(
        DIGEST,
        await layer([
          { name: '/etc/os-release', content: 'ID=evil\n' },
          { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.19.1\n' },
          { name: 'lib/apk/db/x', type: 'symlink', linkname: '../../../../../root' },
        ]),
        { onUnsafeEntry: 'warn' },
      );
      expect(sut.warnings.map((w) => w.code)).toEqual(['UNSAFE_ENTRY', 'UNSAFE_ENTRY']);
      expect(sut.files).toEqual([{ path: 'etc/os-release', packages: [], distro: { id: 'alpine', versionId: '3.19.1' } }]);
    });

    it('accepts absolute symlink targets: they resolve inside the image', async () => {
      const sut = await indexLayer(DIGEST, await layer([{ name: 'etc/localtime', type: 'symlink', linkname: '/usr/share/zoneinfo/UTC' }]));
      expect(sut.warnings).toEqual([]);
    });

    it('skips a metadata file over the per-file cap with a warning, and it hides a lower copy', async () => {
      const big = JSON.stringify({ name: 'big', version: '1.0.0', padding: 'x'.repeat(5000) });
      const sut = await indexLayer(
        DIGEST,
        await layer([
          { name: 'app/node_modules/big/package.json', content: big },
          { name: 'app/node_modules/small/package.json', content: '{"name":"small","version":"1.0.0"}' },
        ]),
        { limits: { maxTextFileBytes: 1000 } },
      );
      expect(sut.warnings).toEqual([{ code: 'FILE_TOO_LARGE', path: 'app/node_modules/big/package.json', message: expect.any(String) }]);
      expect(sut.files.map((f) => f.path)).toEqual(['app/node_modules/small/package.json']);
      expect(sut.shadowed).toContain('app/node_modules/big/package.json');
    });

    it('fails a truncated layer with TRUNCATED_LAYER', async () => {
      const bytes = await tarBytes([{ name: 'var/lib/dpkg/status', content: 'Package: x\nVersion: 1\n'.repeat(100) }]);
      const error = await failure(indexLayer(DIGEST, chunked(bytes.subarray(0, 1200))));
      expect(error.code).toBe('TRUNCATED_LAYER');
    });

    it('fails a truncated gzip layer with TRUNCATED_LAYER', async () => {
      const gz = gzipSync(await tarBytes([{ name: 'etc/os-release', content: 'ID=debian\n'.repeat(500) }]));
      const tar = openLayer('application/vnd.oci.image.layer.v1.tar+gzip', chunked(gz.subarray(0, gz.length - 40)));
      expect((await failure(indexLayer(DIGEST, tar))).code).toBe('TRUNCATED_LAYER');
    });

    it('fails bytes that are not a tar with INVALID_LAYER', async () => {
      const error = await failure(indexLayer(DIGEST, chunked(Buffer.alloc(2048, 0x41))));
      expect(error.code).toBe('INVALID_LAYER');
    });

    it('stops a decompression bomb at maxLayerBytes', async () => {
      // 64 MiB of zeros in one file: ~64 KiB gzipped.
      const bomb = gzipSync(await tarBytes([{ name: 'zeros', content: Buffer.alloc(64 * 1024 * 1024) }]));
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const tar = openLayer('application/vnd.docker.image.rootfs.diff.tar.gzip', chunked(bomb, 16 * 1024));
      const error = await failure(indexLayer(DIGEST, tar, { limits: { maxLayerBytes: 4 * 1024 * 1024 } }));
      expect(error.code).toBe('LAYER_TOO_LARGE');
    });

    it('stops a layer with too many entries', async () => {
      const entries = Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, content: '' }));
      const error = await failure(indexLayer(DIGEST, await layer(entries), { limits: { maxEntries: 10 } }));
      expect(error.code).toBe('LAYER_TOO_LARGE');
    });

    it('rejects an unknown media type', () => {
      expect(() => openLayer('application/vnd.example.encrypted+tar', Readable.from([]))).toThrow(
        expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' }),
      );
    });

    it('passes the caller stream error through untouched (it may be worth a retry)', async () => {
      const download = new Error('socket hang up');
      const source = new Readable({
        read() {
          this.destroy(download);
        },
      });
      await expect(indexLayer(DIGEST, source)).rejects.toBe(download);
    });

    it('keeps going after a failed layer: the next one indexes normally', async () => {
      await failure(indexLayer(DIGEST, await layer([{ name: '../x', content: '' }])));
      const sut = await indexLayer(DIGEST, await layer([{ name: 'etc/os-release', content: 'ID=alpine\n' }]));
      expect(sut.files).toHaveLength(1);
    });
  });
});
