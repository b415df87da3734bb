import { readFile } from 'node:fs/promises';
import { type Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGoBinary, goVersion } from '../test/go-binary.js';
import { dpkgStanza, layer, type TestEntry } from '../test/layers.js';
import { toCycloneDxJson } from './cyclonedx.js';
import { extractSbom, InMemoryContributionCache, type LayerInput } from './extract-sbom.js';
import { indexLayer } from './layer-index.js';
import { mergeLayers } from './merge-layers.js';
import type { Sbom } from './model.js';
import { toSpdxJson } from './spdx.js';

const digest = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;

async function layers(...entries: TestEntry[][]): Promise<LayerInput[]> {
  return Promise.all(entries.map(async (e, i) => ({ digest: digest(i + 1), tar: await layer(e) })));
}

const purls = (sbom: Sbom): string[] => sbom.packages.map((p) => p.purl);

const DEBIAN_OS = { name: 'etc/os-release', content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' };
const STATUS = [
  dpkgStanza({ Package: 'libssl3', Status: 'install ok installed', Architecture: 'amd64', Source: 'openssl (3.0.11-1)', Version: '3.0.11-1~deb12u2' }),
  dpkgStanza({ Package: 'openssl', Status: 'install ok installed', Architecture: 'amd64', Version: '3.0.11-1~deb12u2' }),
  dpkgStanza({ Package: 'curl', Status: 'install ok installed', Architecture: 'amd64', Version: '7.88.1-10+deb12u5' }),
].join('\n\n');

describe('extractSbom', () => {
  it('reports dpkg packages with distro-qualified purls and the source package', async () => {
    const sut = await extractSbom(await layers([DEBIAN_OS, { name: 'var/lib/dpkg/status', content: STATUS }]));
    expect(sut.distro).toEqual({ id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
    expect(purls(sut)).toEqual([
      'pkg:deb/debian/curl@7.88.1-10+deb12u5?arch=amd64&distro=debian-12',
      'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl%403.0.11-1',
      'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12',
    ]);
    expect(sut.packages[1]).toMatchObject({ sourceName: 'openssl', sourceVersion: '3.0.11-1', locations: [{ path: 'var/lib/dpkg/status', layerDigest: digest(1) }] });
  });

  it('reads a distroless image: status.d files and usr/lib/os-release', async () => {
    const sut = await extractSbom(
      await layers([
        { name: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
        { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
        { name: 'var/lib/dpkg/status.d/base-files', content: dpkgStanza({ Package: 'base-files', Version: '12.4+deb12u5', Architecture: 'amd64' }) },
        { name: 'var/lib/dpkg/status.d/libc6', content: dpkgStanza({ Package: 'libc6', Version: '2.36-9+deb12u4', Architecture: 'amd64', Source: 'glibc' }) },
        { name: 'var/lib/dpkg/status.d/libc6.md5sums', content: 'ffff  lib/x86_64-linux-gnu/libc.so.6\n' },
      ]),
    );
    expect(sut.distro?.id).toBe('debian');
    expect(purls(sut)).toEqual([
      'pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64&distro=debian-12',
      'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc',
    ]);
  });

  it('reads an alpine image', async () => {
    const sut = await extractSbom(
      await layers([
        { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.19.1\n' },
        { name: 'lib/apk/db/installed', content: 'P:musl\nV:1.2.4_git20230717-r4\nA:x86_64\no:musl\n\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\no:openssl\n' },
      ]),
    );
    expect(purls(sut)).toEqual([
      'pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1&upstream=openssl',
      'pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1',
    ]);
  });

  it('merges a package seen in a lockfile and in node_modules into one with two locations', async () => {
    const lock = JSON.stringify({ lockfileVersion: 2, packages: { '': {}, 'node_modules/@babel/core': { version: '7.23.0' } } });
    const sut = await extractSbom(
      await layers(
        [{ name: 'app/package-lock.json', content: lock }],
        [{ name: 'app/node_modules/@babel/core/package.json', content: '{"name":"@babel/core","version":"7.23.0"}' }],
      ),
    );
    expect(sut.packages).toEqual([
      expect.objectContaining({
        purl: 'pkg:npm/%40babel/core@7.23.0',
        locations: [
          { path: 'app/node_modules/@babel/core/package.json', layerDigest: digest(2) },
          { path: 'app/package-lock.json', layerDigest: digest(1) },
        ],
      }),
    ]);
  });

  describe('layers', () => {
    const pkgJson = (name: string, version: string): TestEntry => ({
      name: `usr/lib/node_modules/${name}/package.json`,
      content: JSON.stringify({ name, version }),
    });

    it('does not report a package a later layer deleted with a whiteout', async () => {
      const sut = await extractSbom(
        await layers([pkgJson('left-pad', '1.3.0'), pkgJson('lodash', '4.17.21')], [{ name: 'usr/lib/node_modules/.wh.left-pad', content: '' }]),
      );
      expect(purls(sut)).toEqual(['pkg:npm/lodash@4.17.21']);
    });

    it('hides everything a lower layer had below an opaque directory, but not what the same layer adds', async () => {
      const sut = await extractSbom(
        await layers(
          [pkgJson('left-pad', '1.3.0'), pkgJson('lodash', '4.17.21'), { name: 'usr/lib/python3/x-1.0.dist-info/METADATA', content: 'Name: x\nVersion: 1.0\n' }],
          [{ name: 'usr/lib/node_modules/.wh..wh..opq', content: '' }, pkgJson('chalk', '5.3.0')],
        ),
      );
      expect(purls(sut)).toEqual(['pkg:npm/chalk@5.3.0', 'pkg:pypi/x@1.0']);
    });

    it('reports the upper version when a later layer overwrites a file', async () => {
      const sut = await extractSbom(await layers([pkgJson('lodash', '4.17.20')], [pkgJson('lodash', '4.17.21')]));
      expect(sut.packages.map((p) => [p.purl, p.locations[0]?.layerDigest])).toEqual([['pkg:npm/lodash@4.17.21', digest(2)]]);
    });

    it('drops dpkg packages removed by a later apt-get purge (status rewritten)', async () => {
      const after = STATUS.split('\n\n').filter((s) => !s.includes('Package: curl')).join('\n\n');
      const sut = await extractSbom(
        await layers([DEBIAN_OS, { name: 'var/lib/dpkg/status', content: STATUS }], [{ name: 'var/lib/dpkg/status', content: after }]),
      );
      expect(sut.packages.map((p) => p.name)).toEqual(['libssl3', 'openssl']);
    });

    it('drops a file a later layer replaced by a symlink', async () => {
      const sut = await extractSbom(
        await layers([pkgJson('lodash', '4.17.21')], [{ name: 'usr/lib/node_modules/lodash/package.json', type: 'symlink', linkname: '/dev/null' }]),
      );
      expect(sut.packages).toEqual([]);
    });

    it('gives the same result from cached contributions without reading the layer again', async () => {
      const cache = new InMemoryContributionCache();
      const input = [[pkgJson('lodash', '4.17.21')], [{ name: 'usr/lib/node_modules/.wh.lodash', content: '' }, pkgJson('chalk', '5.3.0')]];
      const first = await extractSbom(await layers(...input), { cache });
      let opened = 0;
      const second = await extractSbom(
        input.map((_, i) => ({
          digest: digest(i + 1),
          tar: (): Readable => {
            opened++;
            throw new Error('a cached layer must not be opened');
          },
        })),
        { cache },
      );
      expect(opened).toBe(0);
      expect(second).toEqual(first);
      expect(purls(second)).toEqual(['pkg:npm/chalk@5.3.0']);
    });
  });

  describe('concurrent scans sharing a cache', () => {
    const pkgJson = (name: string, version: string): TestEntry => ({
      name: `usr/lib/node_modules/${name}/package.json`,
      content: JSON.stringify({ name, version }),
    });

    it('index a layer both need once: the second waits for the first instead of opening it again', async () => {
      const cache = new InMemoryContributionCache();
      let opened = 0;
      const scan = (own: string) =>
        extractSbom(
          (async function* () {
            yield {
              digest: digest(7),
              tar: async (): Promise<Readable> => {
                opened += 1;
                return layer([pkgJson('lodash', '4.17.21')]);
              },
            };
            yield { digest: digest(own === 'a' ? 8 : 9), tar: await layer([pkgJson(own === 'a' ? 'chalk' : 'axios', '1.0.0')]) };
          })(),
          { cache },
        );
      const [a, b] = await Promise.all([scan('a'), scan('b')]);
      expect(opened).toBe(1);
      expect(purls(a)).toEqual(['pkg:npm/chalk@1.0.0', 'pkg:npm/lodash@4.17.21']);
      expect(purls(b)).toEqual(['pkg:npm/axios@1.0.0', 'pkg:npm/lodash@4.17.21']);
    });
  });

  describe('Go binaries', () => {
    let binary: Buffer;
    let toolchain: string;
    beforeAll(async () => {
      [binary, toolchain] = await Promise.all([buildGoBinary(), goVersion()]);
    }, 180_000);

    it('reads the build info of a real Go binary: main module, deps and stdlib', async () => {
      const sut = await extractSbom(await layers([{ name: 'usr/local/bin/hello', content: binary, mode: 0o755 }]));
      expect(sut.packages.map((p) => [p.purl, p.locations[0]?.path])).toEqual([
        ['pkg:golang/example.com/greet@v1.2.3', 'usr/local/bin/hello'],
        ['pkg:golang/example.com/hello@%28devel%29', 'usr/local/bin/hello'],
        [`pkg:golang/stdlib@${toolchain}`, 'usr/local/bin/hello'],
      ]);
    });

    it('does not read a binary without the executable bit', async () => {
      const sut = await extractSbom(await layers([{ name: 'usr/local/bin/hello', content: binary, mode: 0o644 }]));
      expect(sut.packages).toEqual([]);
    });
  });

  it('reads jars with pom.properties, nested ones located inside their archive', async () => {
    const fat = await readFile(new URL('../test/fixtures/fat.jar', import.meta.url));
    const sut = await extractSbom(await layers([{ name: 'app/app.jar', content: fat }]), { limits: { maxArchiveInflatedBytes: 1024 * 1024 } });
    expect(sut.packages.map((p) => [p.purl, p.locations[0]?.path])).toEqual([
      ['pkg:maven/com.example/app@1.0.0', 'app/app.jar'],
      ['pkg:maven/org.apache.commons/commons-lang3@3.12.0', 'app/app.jar!/BOOT-INF/lib/commons-lang3-3.12.0.jar'],
    ]);
    expect(sut.warnings).toEqual([expect.objectContaining({ code: 'ARCHIVE_LIMIT', layerDigest: digest(1) })]);
  });

  it('fails the whole image on an unsafe layer', async () => {
    await expect(extractSbom(await layers([DEBIAN_OS], [{ name: '../../etc/passwd', content: 'x' }]))).rejects.toMatchObject({ code: 'UNSAFE_ENTRY' });
  });
});

describe('documents', () => {
  async function sample(): Promise<Sbom> {
    return mergeLayers([
      await indexLayer(
        digest(1),
        await layer([
          DEBIAN_OS,
          { name: 'var/lib/dpkg/status', content: STATUS },
          { name: 'app/node_modules/express/package.json', content: '{"name":"express","version":"4.18.2","license":"MIT"}' },
        ]),
      ),
    ]);
  }

  it('writes CycloneDX 1.6 JSON with purls, source package properties and the image as metadata component', async () => {
    const json = JSON.parse(
      toCycloneDxJson(await sample(), { image: { name: 'registry.example.com/team/app:1.4.2', digest: 'sha256:' + 'f'.repeat(64) }, timestamp: new Date('2026-01-02T03:04:05Z') }),
    ) as {
      bomFormat: string;
      specVersion: string;
      metadata: { timestamp: string; component: { type: string; name: string; version: string } };
      components: { type: string; name: string; purl?: string; 'bom-ref': string; licenses?: unknown[]; properties?: { name: string; value: string }[] }[];
    };
    expect(json.bomFormat).toBe('CycloneDX');
    expect(json.specVersion).toBe('1.6');
    expect(json.metadata.component).toMatchObject({ type: 'container', name: 'registry.example.com/team/app:1.4.2', version: 'sha256:' + 'f'.repeat(64) });
    expect(json.metadata.timestamp).toBe('2026-01-02T03:04:05.000Z');
    const libssl = json.components.find((c) => c.name === 'libssl3');
    expect(libssl?.purl).toBe('pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl%403.0.11-1');
    expect(libssl?.properties).toEqual(
      expect.arrayContaining([
        { name: 'portcullis:package:source-name', value: 'openssl' },
        { name: 'portcullis:package:source-version', value: '3.0.11-1' },
        { name: 'portcullis:location', value: `${digest(1)}:/var/lib/dpkg/status` },
      ]),
    );
    expect(json.components.find((c) => c.name === 'express')?.licenses).toEqual([{ license: { name: 'MIT' } }]);
    expect(json.components.find((c) => c.type === 'operating-system')).toMatchObject({ name: 'debian', version: '12' });
    expect(json.components).toHaveLength(5);
  });

  it('writes SPDX 2.3 JSON with a purl reference per package', async () => {
    const json = JSON.parse(toSpdxJson(await sample(), { image: { name: 'app:1' }, timestamp: new Date('2026-01-02T03:04:05Z') })) as {
      spdxVersion: string;
      creationInfo: { created: string };
      packages: { name: string; externalRefs: { referenceLocator: string }[] }[];
      relationships: unknown[];
    };
    expect(json.spdxVersion).toBe('SPDX-2.3');
    expect(json.creationInfo.created).toBe('2026-01-02T03:04:05Z');
    expect(json.packages.map((p) => p.externalRefs[0]?.referenceLocator)).toContain('pkg:npm/express@4.18.2');
    expect(json.relationships).toHaveLength(4);
  });
});
