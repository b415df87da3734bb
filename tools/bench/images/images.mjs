// Image preparation for the images benchmark (run.mjs): builds the layer blobs once into the
// git-ignored .cache/bench/images/ and pushes images made of them to a registry.
//
// Layers (each cached as <name>.tar.gz + <name>.json {digest, diffId, size}):
//   debian-base   `debootstrap --variant=minbase bookworm` rootfs (apt caches and lists removed,
//                 as Debian's official images do); dev/proc/sys left empty
//   node-runtime  usr/local/bin/node (this repo's Node 24) + usr/local/lib/node_modules/npm (the
//                 machine's npm, with its ~200 bundled packages), as in the official node images
//   node-app      usr/src/app: package.json, package-lock.json, node_modules of `npm install` of
//                 10 popular packages (153 packages in all)
//   python-app    usr/local/lib/python3.11/site-packages of `pip install --target` of 8 packages
//   alpine-synthetic  HAND-MADE lib/apk/db/installed + etc/os-release modelled on alpine:3.20
//                 (Alpine mirrors are not reachable from this machine): parser agreement only
//   app-<i>       (fan-out test) one small unique file per repository
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';

export const LAYER_MT = 'application/vnd.oci.image.layer.v1.tar+gzip';
const MANIFEST_MT = 'application/vnd.oci.image.manifest.v1+json';
const CONFIG_MT = 'application/vnd.oci.image.config.v1+json';
const NPM_PACKAGES = ['express@4.21.2', 'lodash@4.17.21', 'axios@1.7.9', 'moment@2.30.1', 'chalk@4.1.2', 'commander@12.1.0', 'uuid@10.0.0', 'winston@3.17.0', 'jsonwebtoken@9.0.2', 'mongoose@8.9.5'];
const PIP_PACKAGES = ['requests==2.32.3', 'flask==3.1.0', 'django==5.1.4', 'pyyaml==6.0.2', 'attrs==24.3.0', 'packaging==24.2', 'sqlalchemy==2.0.36', 'pydantic==2.10.4'];
const TAR_FLAGS = ['--sort=name', '--mtime=2020-01-01 00:00:00Z', '--owner=0', '--group=0', '--numeric-owner', '--format=pax', '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime'];

function run(cmd, argv, opts = {}) {
  const res = spawnSync(cmd, argv, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (res.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed with ${res.status ?? res.signal}`);
}

const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');

/** Streams `tar -c` of `entries` under `dir` through sha256 (diffId) and gzip into <out>.tar.gz. */
async function packDir(dir, entries, out) {
  const tar = spawn('tar', ['-C', dir, ...TAR_FLAGS, '--exclude=dev/*', '-cf', '-', ...entries], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve, reject) => tar.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited ${code}`)))));
  const diff = createHash('sha256');
  const comp = createHash('sha256');
  let size = 0;
  const tap = (hash, count) =>
    new Transform({
      transform(chunk, _enc, cb) {
        hash.update(chunk);
        if (count) size += chunk.length;
        cb(null, chunk);
      },
    });
  await pipeline(tar.stdout, tap(diff, false), createGzip({ level: 6 }), tap(comp, true), createWriteStream(`${out}.tar.gz`));
  await exited;
  const meta = { digest: `sha256:${comp.digest('hex')}`, diffId: `sha256:${diff.digest('hex')}`, size, mediaType: LAYER_MT, file: `${out}.tar.gz` };
  writeFileSync(`${out}.json`, JSON.stringify(meta, null, 2));
  return meta;
}

/** A layer from in-memory files (small ones: synthetic apk db, per-repository app files). */
function memoryLayer(files) {
  // ustar via system tar would need a temp dir; a minimal ustar writer is enough for small text files
  const blocks = [];
  const dirs = new Set();
  for (const name of Object.keys(files)) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(`${parts.slice(0, i).join('/')}/`);
  }
  const header = (name, size, type, mode) => {
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, 'utf8');
    h.write(`${mode.toString(8).padStart(7, '0')}\0`, 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    h.write(`${(1577836800).toString(8).padStart(11, '0')}\0`, 136);
    h.write('        ', 148);
    h.write(type, 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    return h;
  };
  for (const d of [...dirs].sort()) blocks.push(header(d, 0, '5', 0o755));
  for (const name of Object.keys(files).sort()) {
    const data = Buffer.from(files[name]);
    blocks.push(header(name, data.length, '0', 0o644), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  const gz = gzipSync(tar);
  return { digest: `sha256:${sha256Hex(gz)}`, diffId: `sha256:${sha256Hex(tar)}`, size: gz.length, mediaType: LAYER_MT, data: gz };
}

const ALPINE_PACKAGES = [
  ['alpine-baselayout', '3.6.5-r0', 'alpine-baselayout', 'GPL-2.0-only'],
  ['alpine-baselayout-data', '3.6.5-r0', 'alpine-baselayout', 'GPL-2.0-only'],
  ['alpine-keys', '2.4-r1', 'alpine-keys', 'MIT'],
  ['apk-tools', '2.14.4-r0', 'apk-tools', 'GPL-2.0-only'],
  ['busybox', '1.36.1-r29', 'busybox', 'GPL-2.0-only'],
  ['busybox-binsh', '1.36.1-r29', 'busybox', 'GPL-2.0-only'],
  ['ca-certificates-bundle', '20240705-r0', 'ca-certificates', 'MPL-2.0 AND MIT'],
  ['libcrypto3', '3.3.1-r3', 'openssl', 'Apache-2.0'],
  ['libssl3', '3.3.1-r3', 'openssl', 'Apache-2.0'],
  ['musl', '1.2.5-r0', 'musl', 'MIT'],
  ['musl-utils', '1.2.5-r0', 'musl', 'MIT AND BSD-2-Clause AND GPL-2.0-or-later'],
  ['scanelf', '1.3.7-r2', 'pax-utils', 'GPL-2.0-only'],
  ['ssl_client', '1.36.1-r29', 'busybox', 'GPL-2.0-only'],
  ['zlib', '1.3.1-r1', 'zlib', 'Zlib'],
];

function alpineSyntheticFiles() {
  const db = ALPINE_PACKAGES.map(([p, v, o, l], i) =>
    [`C:Q1${sha256Hex(p).slice(0, 26)}=`, `P:${p}`, `V:${v}`, 'A:x86_64', `S:${10000 + i * 137}`, `I:${40000 + i * 911}`, `T:${p} (synthetic benchmark record)`, 'U:https://alpinelinux.org', `L:${l}`, `o:${o}`, 'm:Natanael Copa <ncopa@alpinelinux.org>', 't:1718000000', `c:${sha256Hex(o).slice(0, 40)}`, ''].join('\n'),
  ).join('\n');
  return {
    'etc/os-release': 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\nHOME_URL="https://alpinelinux.org/"\n',
    'lib/apk/db/installed': `${db}\n`,
  };
}

/**
 * Builds (or reuses) every layer. Returns { layers: { name: meta } , sources: {...} } where meta has
 * digest, diffId, size, mediaType and `file` (on disk) or `data` (in memory).
 */
export async function prepareLayers(root, { progress, regenerate = false } = {}) {
  const work = join(root, '.cache/bench/images');
  const src = join(work, 'src');
  const out = join(work, 'layers');
  mkdirSync(out, { recursive: true });
  mkdirSync(src, { recursive: true });
  const cached = (name) => !regenerate && existsSync(join(out, `${name}.json`)) && existsSync(join(out, `${name}.tar.gz`)) ? JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')) : undefined;
  const layers = {};
  const how = {};

  // debian-base: debootstrap (we are root and chroot works here); the rootfs is kept for reuse
  const rootfs = join(work, 'debian-rootfs');
  layers['debian-base'] = cached('debian-base');
  how['debian-base'] = 'debootstrap --variant=minbase bookworm http://deb.debian.org/debian (full two-stage run, chroot)';
  if (!layers['debian-base']) {
    if (!existsSync(join(rootfs, 'var/lib/dpkg/status'))) {
      if (!existsSync('/usr/sbin/debootstrap')) run('apt-get', ['install', '-y', 'debootstrap']);
      progress?.('debootstrap --variant=minbase bookworm (about 30 s)');
      rmSync(rootfs, { recursive: true, force: true });
      run('debootstrap', ['--variant=minbase', 'bookworm', rootfs, 'http://deb.debian.org/debian'], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
    // what Debian's official images drop (docker-debian-artifacts: apt caches and lists)
    for (const d of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
      run('find', [join(rootfs, d), '-mindepth', '1', '-type', 'f', '-delete']);
    }
    rmSync(join(rootfs, 'var/cache/apt/pkgcache.bin'), { force: true });
    rmSync(join(rootfs, 'var/cache/apt/srcpkgcache.bin'), { force: true });
    progress?.('packing debian-base layer');
    layers['debian-base'] = await packDir(rootfs, readdirSync(rootfs).sort(), join(out, 'debian-base'));
  }

  // node-runtime: Node 24 binary + npm, the shape of the official node images' runtime layer
  layers['node-runtime'] = cached('node-runtime');
  how['node-runtime'] = 'usr/local/bin/node (.cache/node-v24.21.0) + usr/local/lib/node_modules/npm (machine npm)';
  if (!layers['node-runtime']) {
    const dir = join(src, 'node-runtime');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'usr/local/bin'), { recursive: true });
    mkdirSync(join(dir, 'usr/local/lib/node_modules'), { recursive: true });
    const nodeBin = spawnSync('bash', ['-c', 'readlink -f "$(command -v node)"'], { encoding: 'utf8' }).stdout.trim();
    const npmDir = spawnSync('bash', ['-c', 'dirname "$(dirname "$(readlink -f "$(command -v npm)")")"'], { encoding: 'utf8' }).stdout.trim();
    run('cp', ['-a', nodeBin, join(dir, 'usr/local/bin/node')]);
    run('cp', ['-a', npmDir, join(dir, 'usr/local/lib/node_modules/npm')]);
    progress?.('packing node-runtime layer');
    layers['node-runtime'] = await packDir(dir, ['usr'], join(out, 'node-runtime'));
  }

  // node-app: npm install of popular packages
  layers['node-app'] = cached('node-app');
  how['node-app'] = `npm install ${NPM_PACKAGES.join(' ')} (usr/src/app)`;
  if (!layers['node-app']) {
    const app = join(src, 'node-app/usr/src/app');
    if (!existsSync(join(app, 'package-lock.json'))) {
      mkdirSync(app, { recursive: true });
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'bench-app', version: '1.0.0', private: true }));
      progress?.(`npm install ${NPM_PACKAGES.length} packages`);
      run('npm', ['install', '--no-audit', '--no-fund', ...NPM_PACKAGES], { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    progress?.('packing node-app layer');
    layers['node-app'] = await packDir(join(src, 'node-app'), ['usr'], join(out, 'node-app'));
  }

  // python-app: pip install --target of a few wheels
  layers['python-app'] = cached('python-app');
  how['python-app'] = `pip install --target usr/local/lib/python3.11/site-packages ${PIP_PACKAGES.join(' ')}`;
  if (!layers['python-app']) {
    const site = join(src, 'python/usr/local/lib/python3.11/site-packages');
    if (!existsSync(join(site, 'requests'))) {
      mkdirSync(site, { recursive: true });
      progress?.(`pip install --target ${PIP_PACKAGES.length} packages`);
      run('pip', ['install', '--quiet', '--no-compile', '--disable-pip-version-check', '--target', site, ...PIP_PACKAGES], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
    progress?.('packing python-app layer');
    layers['python-app'] = await packDir(join(src, 'python'), ['usr'], join(out, 'python-app'));
  }

  layers['alpine-synthetic'] = memoryLayer(alpineSyntheticFiles());
  how['alpine-synthetic'] = 'SYNTHETIC: hand-written lib/apk/db/installed (14 records modelled on alpine:3.20) + etc/os-release';
  return { layers, how };
}

/** The benchmark's images: name -> layer names, bottom first. */
export const IMAGES = {
  debian: ['debian-base'],
  'node-app': ['debian-base', 'node-runtime', 'node-app'],
  'python-app': ['debian-base', 'python-app'],
  'alpine-synthetic': ['alpine-synthetic'],
};

export function appLayer(i) {
  return memoryLayer({ [`srv/app-${i}/index.js`]: `console.log('app ${i}');\n` });
}

/** Manifest + config for `layers` (metas). */
export function buildImage(layers) {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2020-01-01T00:00:00Z',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map(() => ({ created: '2020-01-01T00:00:00Z', created_by: 'portcullis images bench' })),
    }),
  );
  const configDesc = { mediaType: CONFIG_MT, digest: `sha256:${sha256Hex(config)}`, size: config.length };
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST_MT, config: configDesc, layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })) }));
  return { manifest, digest: `sha256:${sha256Hex(manifest)}`, config, configDigest: configDesc.digest };
}

async function expect(res, what, ok) {
  if (!ok.includes(res.status)) throw new Error(`push: ${what} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

/**
 * Pushes blobs and manifest with the Distribution HTTP API. A blob already pushed to
 * `mountFrom` (same registry) is cross-repository mounted instead of uploaded again.
 */
export async function pushImage(url, repository, tag, layers, { mountFrom } = {}) {
  const image = buildImage(layers);
  const blobs = [...layers, { digest: image.configDigest, data: image.config }];
  for (const b of blobs) {
    const head = await fetch(`${url}/v2/${repository}/blobs/${b.digest}`, { method: 'HEAD' });
    if (head.status === 200) continue;
    if (mountFrom) {
      const mount = await fetch(`${url}/v2/${repository}/blobs/uploads/?mount=${b.digest}&from=${mountFrom}`, { method: 'POST' });
      if (mount.status === 201) continue;
      await expect(mount, `mount ${b.digest}`, [202]);
      await mount.body?.cancel();
    }
    const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
    await expect(start, `start upload to ${repository}`, [202]);
    const location = new URL(start.headers.get('location') ?? '', url);
    location.searchParams.set('digest', b.digest);
    const body = b.data ?? readFileSync(b.file);
    const put = await fetch(location, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body });
    await expect(put, `upload ${b.digest}`, [201]);
  }
  const put = await fetch(`${url}/v2/${repository}/manifests/${tag}`, { method: 'PUT', headers: { 'content-type': MANIFEST_MT }, body: image.manifest });
  await expect(put, `manifest ${repository}:${tag}`, [201]);
  return image.digest;
}

/** Deletes a manifest by digest (the stack's registry has deletes enabled); errors are ignored. */
export async function deleteManifest(url, repository, digest) {
  try {
    const res = await fetch(`${url}/v2/${repository}/manifests/${digest}`, { method: 'DELETE' });
    await res.body?.cancel();
    return res.status === 202;
  } catch {
    return false;
  }
}
