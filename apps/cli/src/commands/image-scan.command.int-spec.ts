import { CommanderError } from 'commander';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../cli.program.js';

// The OSV fixtures of libs/vulndb: real advisories (DSA-5532-1 for openssl on Debian 12, GHSA-xvch-5gv4-984h for minimist, …).
const OSV_DIR = join(import.meta.dirname, '../../../../libs/vulndb/test/fixtures/osv');

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n';
const DPKG_STATUS = [
  'Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.9-1\nDescription: SSL shared libraries\n',
  'Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.9-1\nDescription: SSL toolkit\n',
].join('\n');
const LAYERS: LayerSpec[] = [
  { files: { 'etc/os-release': OS_RELEASE } },
  { files: { 'var/lib/dpkg/status': DPKG_STATUS } },
  {
    files: {
      'app/node_modules/minimist/package.json': JSON.stringify({ name: 'minimist', version: '1.2.5' }),
      'app/node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', version: '1.3.0' }),
    },
  },
];
/** Every finding the fixtures give for the image above, as `id purl`. */
const EXPECTED = ['DSA-5532-1 pkg:deb/debian/libssl3', 'DSA-5532-1 pkg:deb/debian/openssl', 'GHSA-xvch-5gv4-984h pkg:npm/minimist@1.2.5'];

interface JsonReport {
  image: { reference: string; digest: string; platform: string; source: string };
  dbVersion: string | null;
  packages: number;
  findings: { vulnerabilityId: string; severity: string; package: { name: string; purl: string }; fixedVersions: string[]; failsPolicy: boolean }[] | null;
  skipped: unknown[] | null;
  policy: { failed: boolean };
}

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  let out = '';
  let err = '';
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  let exitCode = 0;
  let message = '';
  try {
    await buildProgram({ stdout, stderr, env }).parseAsync(['node', 'portcullis', 'image', 'scan', ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    exitCode = error.exitCode;
    message = error.message;
  }
  return { exitCode, out, err, message };
}

/** `id purl-without-qualifiers` (deb purls carry the exact version and distro qualifiers). */
const keysOf = (report: JsonReport) => (report.findings ?? []).map((f) => `${f.vulnerabilityId} ${f.package.purl.replace(/@3\.0\.9-1.*$/, '')}`).sort();

// --- Images built in memory and pushed with the plain Distribution API. (libs/registry/test/push-image.ts
// does this too, but test helpers cannot be imported across projects: tsc's rootDir and the lint
// boundaries forbid it. The tar writer here is deliberately independent of the reader under test.)

interface Blob {
  digest: string;
  size: number;
  mediaType: string;
  data: Buffer;
}
interface BuiltImage {
  manifest: Blob;
  config: Blob;
  layers: (Blob & { diffId: string })[];
}
interface LayerSpec {
  files: Record<string, string | Uint8Array>;
  compression?: 'gzip' | 'zstd' | 'none';
}

const sha256 = (data: Uint8Array) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const blobOf = (data: Buffer, mediaType: string): Blob => ({ digest: sha256(data), size: data.length, mediaType, data });

/** A ustar archive of regular files (names under 100 bytes), sorted, with fixed metadata. */
function tarOf(files: Record<string, string | Uint8Array>): Buffer {
  const parts: Buffer[] = [];
  for (const name of Object.keys(files).sort()) {
    const content = Buffer.from(files[name]!);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    header.write('0000644\0', 100, 'latin1');
    header.write('0000000\0', 108, 'latin1');
    header.write('0000000\0', 116, 'latin1');
    header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    header.write('13767301000\0', 136, 'latin1');
    header.write('        ', 148, 'latin1');
    header.write('0', 156, 'latin1');
    header.write('ustar\0' + '00', 257, 'latin1');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    parts.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const MT = {
  oci: { manifest: 'application/vnd.oci.image.manifest.v1+json', config: 'application/vnd.oci.image.config.v1+json', layer: 'application/vnd.oci.image.layer.v1.tar' },
  docker: { manifest: 'application/vnd.docker.distribution.manifest.v2+json', config: 'application/vnd.docker.container.image.v1+json', layer: 'application/vnd.docker.image.rootfs.diff.tar' },
} as const;

function buildImage(format: 'oci' | 'docker', specs: LayerSpec[]): BuiltImage {
  const layers = specs.map((spec) => {
    const tar = tarOf(spec.files);
    const compression = spec.compression ?? 'gzip';
    const data = compression === 'gzip' ? gzipSync(tar) : compression === 'zstd' ? zstdCompressSync(tar) : tar;
    const suffix = compression === 'none' ? '' : format === 'oci' ? `+${compression}` : `.${compression}`;
    return { ...blobOf(data, `${MT[format].layer}${suffix}`), diffId: sha256(tar) };
  });
  const config = blobOf(
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } })),
    MT[format].config,
  );
  const manifest = blobOf(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MT[format].manifest,
        config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
      }),
    ),
    MT[format].manifest,
  );
  return { manifest, config, layers };
}

async function pushImage(registryUrl: string, repository: string, tag: string, image: BuiltImage, authorization?: string): Promise<string> {
  const auth: Record<string, string> = authorization ? { authorization } : {};
  for (const blob of [...image.layers, image.config]) {
    const start = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: auth });
    expect(start.status).toBe(202);
    const location = new URL(start.headers.get('location') ?? '', registryUrl);
    location.searchParams.set('digest', blob.digest);
    const put = await fetch(location, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: blob.data });
    expect(put.status).toBe(201);
  }
  const res = await fetch(`${registryUrl}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': image.manifest.mediaType },
    body: image.manifest.data,
  });
  expect(res.status).toBe(201);
  return image.manifest.digest;
}

function registryStackEnv() {
  const names = ['REGISTRY_URL', 'REGISTRY_BASIC_URL', 'REGISTRY_USER', 'REGISTRY_PASSWORD'] as const;
  const missing = names.filter((n) => !process.env[n]);
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not set: run \`tools/stack/stack up\` and \`set -a; . .stack/env; set +a\``);
  return { url: process.env['REGISTRY_URL']!, basicUrl: process.env['REGISTRY_BASIC_URL']!, user: process.env['REGISTRY_USER']!, password: process.env['REGISTRY_PASSWORD']! };
}

const registryHost = (url: string) => new URL(url).host;

async function writeOciLayout(dir: string, image: BuiltImage, refName: string): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const blob of [image.manifest, image.config, ...image.layers]) await writeFile(join(dir, 'blobs', 'sha256', blob.digest.slice(7)), blob.data);
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const entry = { mediaType: image.manifest.mediaType, digest: image.manifest.digest, size: image.manifest.size, annotations: { 'org.opencontainers.image.ref.name': refName } };
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [entry] }));
}

/**
 * The legacy `docker save` layout (`<config hex>.json`, `<id>/layer.tar`, `manifest.json`), packed
 * by the system's tar (`./`-prefixed names, directory entries) rather than by our own writer.
 */
async function writeDockerArchive(file: string, image: BuiltImage, repoTag: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-docker-save-'));
  const configName = `${image.config.digest.slice(7)}.json`;
  await writeFile(join(dir, configName), image.config.data);
  const layerNames = image.layers.map((l) => `${l.diffId.slice(7)}/layer.tar`);
  for (const [i, layer] of image.layers.entries()) {
    await mkdir(join(dir, layer.diffId.slice(7)));
    await writeFile(join(dir, layerNames[i]!), layer.data);
  }
  await writeFile(join(dir, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: [repoTag], Layers: layerNames }]));
  execFileSync('tar', ['-cf', file, '-C', dir, '.']);
  await rm(dir, { recursive: true, force: true });
}

const stack = registryStackEnv();
const host = registryHost(stack.url);
const basicHost = registryHost(stack.basicUrl);
const repository = `cli-image-scan/app-${randomBytes(4).toString('hex')}`;
const ref = `${host}/${repository}:v1`;
let work: string;
let layoutDir: string;
let archive: string;
let pushedDigest: string;
let ociImage: BuiltImage;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'portcullis-image-scan-'));
  ociImage = buildImage('oci', LAYERS.map((l, i) => ({ ...l, compression: i === 2 ? 'zstd' : 'gzip' })));
  pushedDigest = await pushImage(stack.url, repository, 'v1', ociImage);
  await pushImage(stack.basicUrl, repository, 'v1', ociImage, `Basic ${Buffer.from(`${stack.user}:${stack.password}`).toString('base64')}`);
  layoutDir = join(work, 'layout');
  await writeOciLayout(layoutDir, ociImage, 'v1');
  archive = join(work, 'image.tar');
  await writeDockerArchive(archive, buildImage('docker', LAYERS.map((l) => ({ ...l, compression: 'none' }))), 'portcullis/app:v1');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('portcullis image scan', () => {
  it('scans a registry image: exit 1 on the critical minimist finding, with the JSON report shape', async () => {
    const result = await run([ref, '--registry-insecure', '--db', OSV_DIR, '--format', 'json']);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.out) as JsonReport;
    expect(report.image).toEqual({ source: 'registry', reference: `${host}/${repository}:v1`, digest: pushedDigest, platform: 'linux/amd64' });
    expect(report.dbVersion).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(report.packages).toBe(4);
    expect(keysOf(report)).toEqual(EXPECTED);
    const minimist = report.findings!.find((f) => f.package.name === 'minimist')!;
    expect(minimist).toMatchObject({ severity: 'critical', fixedVersions: ['1.2.6'], failsPolicy: true });
    const openssl = report.findings!.find((f) => f.package.name === 'openssl')!;
    expect(openssl).toMatchObject({ severity: 'unknown', fixedVersions: ['3.0.11-1~deb12u1'], failsPolicy: false });
    expect(report.skipped).toEqual([]);
    expect(report.policy.failed).toBe(true);
    expect(result.err).toContain('3 findings, 1 meeting --fail-on high');
  });

  it('gives the same findings from an OCI layout directory and from a docker save archive', async () => {
    const layout = await run([layoutDir, '--db', OSV_DIR, '--format', 'json']);
    expect(layout.exitCode).toBe(1);
    const fromLayout = JSON.parse(layout.out) as JsonReport;
    expect(fromLayout.image).toMatchObject({ source: 'oci-layout', digest: ociImage.manifest.digest, platform: 'linux/amd64' });
    expect(keysOf(fromLayout)).toEqual(EXPECTED);

    const named = await run([`${layoutDir}:v1`, '--db', OSV_DIR, '--format', 'json']);
    expect(keysOf(JSON.parse(named.out) as JsonReport)).toEqual(EXPECTED);
    expect((await run([`${layoutDir}:v2`, '--db', OSV_DIR])).exitCode).toBe(2);

    const docker = await run([archive, '--db', OSV_DIR, '--format', 'json']);
    expect(docker.exitCode).toBe(1);
    const fromArchive = JSON.parse(docker.out) as JsonReport;
    expect(fromArchive.image).toMatchObject({ source: 'docker-archive', platform: 'linux/amd64' });
    expect(fromArchive.image.digest).toMatch(/^sha256:/);
    expect(keysOf(fromArchive)).toEqual(EXPECTED);
  });

  it('applies --fail-on and --fixable-only to the exit code', async () => {
    // Only the Debian advisory: its findings have no severity (DSA records carry none) but a fix.
    const debianOnly = join(work, 'debian-only');
    await mkdir(debianOnly, { recursive: true });
    await copyFile(join(OSV_DIR, 'DSA-5532-1.json'), join(debianOnly, 'DSA-5532-1.json'));
    expect((await run([layoutDir, '--db', debianOnly])).exitCode).toBe(0);
    expect((await run([layoutDir, '--db', debianOnly, '--fail-on', 'unknown'])).exitCode).toBe(1);
    expect((await run([layoutDir, '--db', debianOnly, '--fail-on', 'unknown', '--fixable-only'])).exitCode).toBe(1);
    expect((await run([layoutDir, '--db', OSV_DIR, '--fail-on', 'critical'])).exitCode).toBe(1);
    expect((await run([layoutDir, '--db', OSV_DIR, '--fail-on', 'none'])).exitCode).toBe(0);
  });

  it('prints a table and SARIF 2.1.0', async () => {
    const table = await run([layoutDir, '--db', OSV_DIR]);
    expect(table.out).toMatch(/PACKAGE\s+INSTALLED\s+VULNERABILITY\s+SEVERITY\s+FIXED IN/);
    expect(table.out).toMatch(/minimist\s+1\.2\.5\s+GHSA-xvch-5gv4-984h\s+critical \*\s+1\.2\.6/);

    const sarif = JSON.parse((await run([layoutDir, '--db', OSV_DIR, '--format', 'sarif'])).out) as {
      version: string;
      runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const run0 = sarif.runs[0]!;
    expect(run0.tool.driver.rules.map((r) => r.id).sort()).toEqual(['DSA-5532-1', 'GHSA-xvch-5gv4-984h']);
    const minimist = run0.results.find((r) => r.ruleId === 'GHSA-xvch-5gv4-984h')!;
    expect(minimist.level).toBe('error');
    expect(minimist.locations[0]!.physicalLocation.artifactLocation.uri).toBe('app/node_modules/minimist/package.json');
  });

  it('writes a CycloneDX 1.6 SBOM with every package and its purl', async () => {
    const output = join(work, 'sbom.cdx.json');
    const result = await run([ref, '--registry-insecure', '--db', OSV_DIR, '--format', 'cyclonedx', '--output', output]);
    expect(result.exitCode).toBe(1);
    expect(result.out).toBe('');
    const bom = JSON.parse(await readFile(output, 'utf8')) as {
      bomFormat: string;
      specVersion: string;
      metadata: { component: { name: string; version: string } };
      components: { type: string; name: string; purl?: string }[];
    };
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.specVersion).toBe('1.6');
    expect(bom.metadata.component).toMatchObject({ name: `${host}/${repository}:v1`, version: pushedDigest });
    const purls = bom.components.flatMap((c) => (c.purl ? [c.purl] : []));
    expect(purls).toEqual(
      expect.arrayContaining([
        'pkg:npm/minimist@1.2.5',
        'pkg:npm/left-pad@1.3.0',
        expect.stringMatching(/^pkg:deb\/debian\/libssl3@3\.0\.9-1\?.*distro=debian-12/),
        expect.stringMatching(/^pkg:deb\/debian\/openssl@3\.0\.9-1\?/),
      ]),
    );
    expect(result.err).toContain('the CycloneDX output is the SBOM only');
  });

  it('reports the SBOM only without --db, exit 0, and says nothing was matched', async () => {
    const result = await run([archive, '--format', 'json']);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.out) as JsonReport;
    expect(report.packages).toBe(4);
    expect(report.findings).toBeNull();
    expect(report.dbVersion).toBeNull();
    expect(result.err).toContain('no vulnerability matching was done');
    expect((await run([archive, '--format', 'sarif'])).exitCode).toBe(2);
  });

  it('answers bad usage with exit 2: a bad reference, an unconfigured registry, a missing path', async () => {
    const bad = await run(['Not A Reference', '--db', OSV_DIR]);
    expect(bad.exitCode).toBe(2);
    expect(bad.message).toContain('INVALID_REFERENCE');
    const unconfigured = await run([ref, '--db', OSV_DIR]);
    expect(unconfigured.exitCode).toBe(2);
    expect(unconfigured.message).toContain('REGISTRY_NOT_CONFIGURED');
    expect((await run(['./no/such/layout', '--db', OSV_DIR])).exitCode).toBe(2);
    expect((await run([ref, '--registry-insecure', '--platform', 'linux'])).exitCode).toBe(2);
  });

  it('fails with exit 3 and the reason when the image cannot be scanned', async () => {
    const missing = await run([`${host}/${repository}:no-such-tag`, '--registry-insecure', '--db', OSV_DIR]);
    expect(missing.exitCode).toBe(3);
    expect(missing.message).toContain('[NOT_FOUND]');
    const platform = await run([ref, '--registry-insecure', '--platform', 'linux/arm64']);
    expect(platform.exitCode).toBe(3);
    expect(platform.message).toContain('[PLATFORM_NOT_FOUND]');
  });

  it('rejects a corrupted layout blob with DIGEST_MISMATCH (exit 3)', async () => {
    const corrupted = join(work, 'corrupted');
    await cp(layoutDir, corrupted, { recursive: true });
    const layer = join(corrupted, 'blobs', 'sha256', ociImage.layers[2]!.digest.slice(7));
    const bytes = await readFile(layer);
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(layer, bytes);
    const result = await run([corrupted, '--db', OSV_DIR, '--format', 'json']);
    expect(result.exitCode).toBe(3);
    expect(result.message).toContain('[DIGEST_MISMATCH]');
    expect(result.message).toContain(ociImage.layers[2]!.digest);
    expect(result.out).toBe('');
  });

  it('authenticates with PORTCULLIS_REGISTRY_USERNAME/PASSWORD or a docker config file, and never prints the password', async () => {
    const basicRef = `${basicHost}/${repository}:v1`;
    const anonymous = await run([basicRef, '--registry-insecure', '--db', OSV_DIR]);
    expect(anonymous.exitCode).toBe(3);
    expect(anonymous.message).toContain('[AUTH_FAILED]');

    const withEnv = await run([basicRef, '--registry-insecure', '--db', OSV_DIR, '--format', 'json'], {
      PORTCULLIS_REGISTRY_USERNAME: stack.user,
      PORTCULLIS_REGISTRY_PASSWORD: stack.password,
    });
    expect(withEnv.exitCode).toBe(1);
    expect(keysOf(JSON.parse(withEnv.out) as JsonReport)).toEqual(EXPECTED);

    const authFile = join(work, 'docker-config.json');
    await writeFile(authFile, JSON.stringify({ auths: { [basicHost]: { auth: Buffer.from(`${stack.user}:${stack.password}`).toString('base64') } } }));
    expect((await run([basicRef, '--registry-insecure', '--db', OSV_DIR, '--registry-auth-file', authFile])).exitCode).toBe(1);

    const wrongPassword = `wrong-${randomBytes(8).toString('hex')}`;
    const refused = await run([basicRef, '--registry-insecure', '--db', OSV_DIR], { PORTCULLIS_REGISTRY_USERNAME: stack.user, PORTCULLIS_REGISTRY_PASSWORD: wrongPassword });
    expect(refused.exitCode).toBe(3);
    expect(refused.message).toContain('[AUTH_FAILED]');
    for (const text of [refused.out, refused.err, refused.message, withEnv.err, withEnv.out]) {
      expect(text).not.toContain(wrongPassword);
      expect(text).not.toContain(stack.password);
    }
  });
});
