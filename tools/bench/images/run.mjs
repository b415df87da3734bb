#!/usr/bin/env node
// Image SBOM extraction benchmark: our extraction (libs/registry + libs/sbom, ours.mjs) against
// syft, in the same run, on the same images served by the local stack's registry. Reports wall
// time and CPU (cold: no layer cache), package-set agreement per ecosystem, the repeat scan of a
// known digest with the layer-contribution cache, and base-layer pulls when 100 repositories
// share one base image.
//   tools/bench/images/peers.sh          (builds the pinned syft into .cache/peers/; run automatically)
//   tools/stack/stack up; set -a; . .stack/env; set +a
//   npx tsc -b libs/sbom/tsconfig.lib.json libs/registry/tsconfig.lib.json
//   node tools/bench/images/run.mjs [--repeat 3] [--fanout 100] [--cpu-prof DIR]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { InMemoryContributionCache } from '@portcullis/sbom';
import { ensurePeers, spread, timed } from '../bench-lib.mjs';
import { appLayer, deleteManifest, IMAGES, prepareLayers, pushImage } from './images.mjs';
import { makeClient, RequestCounter, scanImage } from './ours.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');

const HELP = `Image SBOM extraction benchmark: ours (libs/registry + libs/sbom) vs syft, on images in the stack's registry.

Usage: node tools/bench/images/run.mjs [options]
  needs: tools/stack/stack up; set -a; . .stack/env; set +a   (REGISTRY_URL)
         npx tsc -b libs/sbom/tsconfig.lib.json libs/registry/tsconfig.lib.json
  (syft: tools/bench/images/peers.sh, run automatically; images: built once into .cache/bench/images/)

Options:
  --repeat R            timed cold scans per tool and image; median with min-max (default 3).
                        The tool order alternates between repeats
  --warmup W            untimed scans per tool and image first (page cache, binaries) (default 1)
  --images LIST         subset of ${Object.keys(IMAGES).join(',')} (default: all)
  --repeat-scans N      repeat scans of an already-seen image, in-process (default 50)
  --fanout N            repositories sharing one base image (default 100; 0 skips)
  --fanout-concurrency C  scans in flight in the concurrent fan-out phases (default 8)
  --cpu-prof DIR        afterwards, one extra (untimed) scan of each image by ours.mjs under
                        node --cpu-prof, profiles written to DIR
  --regenerate          rebuild the cached layers
  --keep                do not delete the pushed manifests at the end
  --timeout S           give up on one tool run after S seconds (default 600)
  --json                print the results as JSON on stdout instead of tables
  -h, --help            this text

Timing: each tool runs as a child process, one at a time, cold (a fresh process: our contribution
cache is empty; syft keeps no cache). ours = node tools/bench/images/ours.mjs: resolve (manifest +
config) + for every layer: pull, sha256 + diff_id verification, gunzip, index, then merge.
syft = syft scan registry:<ref> -o json (SYFT_REGISTRY_INSECURE_USE_HTTP=true). Wall = spawn to
exit; CPU = user+sys of the child tree (/proc/self/stat cutime+cstime).
Agreement per ecosystem (ours deb/apk/npm/pypi = syft deb/apk/npm/python): |ours ∩ syft| / |ours ∪ syft|
of (type, name, version), summed over the images; differing packages listed as name@version.
Python is compared twice: names as written (ours keeps METADATA's Name: "Django"; syft normalises
to "django") and PEP 503-normalised (lower case, runs of -_. as "-"), which both tools' purls use.
Results: tables on stdout, JSON in .cache/bench/images-results-<timestamp>.json. Progress on stderr.`;

const { values: args } = parseArgs({
  options: {
    repeat: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    images: { type: 'string', default: Object.keys(IMAGES).join(',') },
    'repeat-scans': { type: 'string', default: '50' },
    fanout: { type: 'string', default: '100' },
    'fanout-concurrency': { type: 'string', default: '8' },
    'cpu-prof': { type: 'string' },
    regenerate: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '600' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const IMAGE_NAMES = args.images.split(',').map((s) => s.trim()).filter(Boolean);
for (const n of IMAGE_NAMES) if (!IMAGES[n]) throw new Error(`unknown image ${n} (known: ${Object.keys(IMAGES).join(', ')})`);
const REPEAT = Math.max(1, Number(args.repeat));
const WARMUP = Math.max(0, Number(args.warmup));
const REPEAT_SCANS = Math.max(1, Number(args['repeat-scans']));
const FANOUT = Math.max(0, Number(args.fanout));
const FANOUT_CONCURRENCY = Math.max(1, Number(args['fanout-concurrency']));
const TIMEOUT_MS = Number(args.timeout) * 1000;
const ECOSYSTEMS = [
  ['deb', 'deb', 'deb'],
  ['apk', 'apk', 'apk'],
  ['npm', 'npm', 'npm'],
  ['python', 'pypi', 'python'],
  ['python (PEP 503 names)', 'pypi', 'python', (n) => n.toLowerCase().replace(/[-_.]+/g, '-')],
]; // [label, our type, syft type, name normalisation]

const progress = (msg) => process.stderr.write(`[images-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

// ---------------------------------------------------------------- peers, child processes

function toolRunners(syftBin, registryUrl) {
  const syftEnv = { ...process.env, SYFT_REGISTRY_INSECURE_USE_HTTP: 'true', SYFT_CHECK_FOR_APP_UPDATE: 'false' };
  return {
    ours: {
      async scan(ref, extraNodeArgs = []) {
        const r = await timed(process.execPath, [...extraNodeArgs, join(HERE, 'ours.mjs'), '--registry-url', registryUrl, ref], { cwd: ROOT, timeoutMs: TIMEOUT_MS });
        if (r.code !== 0) throw new Error(`ours failed on ${ref} (${r.code ?? r.signal}): ${r.stderr.slice(-2000)}`);
        const out = JSON.parse(r.stdout);
        return { ...r, packages: out.packages, detail: { ms: out.ms, layersPulled: out.layersPulled, warnings: out.warnings } };
      },
    },
    syft: {
      async scan(ref) {
        const r = await timed(syftBin, ['scan', '-q', `registry:${ref}`, '-o', 'json'], { env: syftEnv, cwd: ROOT, timeoutMs: TIMEOUT_MS });
        if (r.code !== 0) throw new Error(`syft failed on ${ref} (${r.code ?? r.signal}): ${r.stderr.slice(-2000)}`);
        const doc = JSON.parse(r.stdout);
        return { ...r, packages: doc.artifacts.map((a) => [a.type, a.name, a.version]), detail: { artifacts: doc.artifacts.length } };
      },
    },
  };
}

// ---------------------------------------------------------------- agreement

const key = (name, version) => `${name}@${version}`;
function agreement(oursPkgs, syftPkgs) {
  const result = {};
  for (const [label, ourType, syftType, norm = (n) => n] of ECOSYSTEMS) {
    const a = new Set(oursPkgs.filter((p) => p[0] === ourType).map((p) => key(norm(p[1]), p[2])));
    const b = new Set(syftPkgs.filter((p) => p[0] === syftType).map((p) => key(norm(p[1]), p[2])));
    const both = [...a].filter((x) => b.has(x)).length;
    result[label] = { ours: a.size, syft: b.size, both, union: a.size + b.size - both, oursOnly: [...a].filter((x) => !b.has(x)).sort(), syftOnly: [...b].filter((x) => !a.has(x)).sort() };
  }
  const compared = new Set(ECOSYSTEMS.flatMap(([, o, s]) => [o, s]));
  const other = (pkgs) => {
    const counts = {};
    for (const p of pkgs) if (!compared.has(p[0])) counts[p[0]] = [...(counts[p[0]] ?? []), key(p[1], p[2])];
    return counts;
  };
  return { byEcosystem: result, notCompared: { ours: other(oursPkgs), syft: other(syftPkgs) } };
}

// ---------------------------------------------------------------- cache that coalesces concurrent misses

/**
 * A LayerContributionCache in front of another one, coalescing concurrent misses of one digest:
 * the first get() that misses owns the digest until its set(); later get()s wait for that set()
 * (or for the owner to give up, after `waitMs`, then they index the layer themselves). What the
 * service would do with a short Redis lock; here only to show the effect on pulls.
 */
class SingleFlightCache {
  constructor(inner, waitMs = 120_000) {
    this.inner = inner;
    this.waitMs = waitMs;
    this.pending = new Map();
  }

  async get(digest) {
    const hit = await this.inner.get(digest);
    if (hit) return hit;
    const waiting = this.pending.get(digest);
    if (waiting) {
      await Promise.race([waiting.promise, new Promise((r) => setTimeout(r, this.waitMs).unref())]);
      return this.inner.get(digest);
    }
    let release;
    const promise = new Promise((r) => (release = r));
    this.pending.set(digest, { promise, release });
    return undefined;
  }

  async set(digest, contribution) {
    await this.inner.set(digest, contribution);
    this.pending.get(digest)?.release();
    this.pending.delete(digest);
  }
}

async function mapConcurrent(items, concurrency, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

// ---------------------------------------------------------------- registry access log (cross-check)

function accessLogPath() {
  const root = process.env.REGISTRY_ROOT;
  if (!root) return undefined;
  const p = join(dirname(root), 'registry.log');
  return existsSync(p) ? p : undefined;
}
const logSize = (p) => (p ? statSync(p).size : 0);
/** Blob GETs per digest in the access log written since `offset`, for repositories under `prefix`. */
function blobGetsInLog(p, offset, prefix) {
  if (!p) return undefined;
  const size = statSync(p).size;
  if (size < offset) return undefined; // rotated meanwhile
  const buf = readFileSync(p).subarray(offset, size);
  const counts = {};
  const re = new RegExp(`"GET /v2/${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[^ ]+/blobs/(sha256:[0-9a-f]{64}) HTTP/[0-9.]+" (\\d+)`, 'g');
  for (const m of buf.toString('utf8').matchAll(re)) if (m[2] === '200') counts[m[1]] = (counts[m[1]] ?? 0) + 1;
  return counts;
}

// ---------------------------------------------------------------- main

async function main() {
  const registryUrl = process.env.REGISTRY_URL;
  if (!registryUrl) throw new Error('REGISTRY_URL not set: run `tools/stack/stack up` and `set -a; . .stack/env; set +a`');
  const host = new URL(registryUrl).host;
  const peers = ensurePeers(join(HERE, 'peers.sh'), ROOT);
  const syftVersion = spawnSync(peers.SYFT_BIN, ['version'], { encoding: 'utf8' }).stdout.match(/^Version:\s*(\S+)/m)?.[1];
  progress(`syft ${syftVersion} at ${peers.SYFT_BIN}`);
  const { layers, how } = await prepareLayers(ROOT, { progress, regenerate: args.regenerate });

  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const pushed = []; // [repository, digest]
  const results = {
    when: new Date().toISOString(),
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadavg: loadavg(), registry: registryUrl },
    syft: { version: syftVersion, bin: peers.SYFT_BIN },
    settings: { repeat: REPEAT, warmup: WARMUP, repeatScans: REPEAT_SCANS, fanout: FANOUT, fanoutConcurrency: FANOUT_CONCURRENCY, prefix },
    layers: Object.fromEntries(Object.entries(layers).map(([k, v]) => [k, { digest: v.digest, compressedBytes: v.size, how: how[k] }])),
    images: {},
  };
  try {
    // ---- push
    progress(`pushing ${IMAGE_NAMES.length} images under ${host}/${prefix}/`);
    const baseRepo = `${prefix}/debian`;
    for (const name of ['debian', ...IMAGE_NAMES.filter((n) => n !== 'debian')]) {
      const repo = `${prefix}/${name}`;
      const digest = await pushImage(registryUrl, repo, 'v1', IMAGES[name].map((l) => layers[l]), { mountFrom: name === 'debian' ? undefined : baseRepo });
      pushed.push([repo, digest]);
      results.images[name] = { ref: `${host}/${repo}:v1`, digest, layers: IMAGES[name], compressedBytes: IMAGES[name].reduce((s, l) => s + layers[l].size, 0), runs: { ours: [], syft: [] } };
    }

    // ---- cold scans, ours vs syft
    const tools = toolRunners(peers.SYFT_BIN, registryUrl);
    for (let w = 0; w < WARMUP; w++) {
      for (const name of IMAGE_NAMES) {
        for (const t of ['ours', 'syft']) {
          progress(`warm-up ${w + 1}/${WARMUP} ${t} ${name}`);
          await tools[t].scan(results.images[name].ref);
        }
      }
    }
    const lastPackages = {};
    for (let r = 0; r < REPEAT; r++) {
      const order = r % 2 === 0 ? ['ours', 'syft'] : ['syft', 'ours'];
      for (const name of IMAGE_NAMES) {
        for (const t of order) {
          const res = await tools[t].scan(results.images[name].ref);
          progress(`repeat ${r + 1}/${REPEAT} ${t.padEnd(4)} ${name}: ${res.wallS.toFixed(2)} s wall, ${res.cpuS.toFixed(2)} s CPU, ${res.packages.length} packages`);
          const prev = lastPackages[`${t}/${name}`];
          const sig = JSON.stringify([...new Set(res.packages.map((p) => p.join('\0')))].sort());
          if (prev && prev !== sig) progress(`WARNING: ${t} gave a different package set for ${name} in repeat ${r + 1}`);
          lastPackages[`${t}/${name}`] = sig;
          results.images[name].runs[t].push({ wallS: res.wallS, cpuS: res.cpuS, packages: res.packages.length, ...res.detail });
          results.images[name][`${t}Packages`] = res.packages;
        }
      }
    }
    for (const name of IMAGE_NAMES) {
      const img = results.images[name];
      for (const t of ['ours', 'syft']) {
        img[t] = { wallS: spread(img.runs[t].map((x) => x.wallS)), cpuS: spread(img.runs[t].map((x) => x.cpuS)) };
      }
      img.ratio = { wall: img.ours.wallS.median / img.syft.wallS.median, cpu: img.ours.cpuS.median / img.syft.cpuS.median };
      img.agreement = agreement(img.oursPackages, img.syftPackages);
      delete img.oursPackages;
      delete img.syftPackages;
    }
    results.agreement = {};
    for (const [label] of ECOSYSTEMS) {
      const per = IMAGE_NAMES.map((n) => results.images[n].agreement.byEcosystem[label]);
      const both = per.reduce((s, x) => s + x.both, 0);
      const union = per.reduce((s, x) => s + x.union, 0);
      const synthetic = label === 'apk';
      results.agreement[label] = { both, union, agreement: union ? both / union : null, ...(synthetic ? { note: 'synthetic apk database (Alpine mirrors unreachable here)' } : {}) };
    }
    const totals = (t) => IMAGE_NAMES.reduce((s, n) => s + results.images[n][t].wallS.median, 0);
    results.overall = { oursWallS: totals('ours'), syftWallS: totals('syft'), ratio: totals('ours') / totals('syft') };

    // ---- repeat scan of a known image, in-process, contribution cache warm
    const repeatImage = IMAGE_NAMES.includes('node-app') ? 'node-app' : IMAGE_NAMES[0];
    {
      progress(`repeat scans of ${repeatImage} (${REPEAT_SCANS} each way)`);
      const counter = new RequestCounter();
      const client = makeClient(registryUrl, counter);
      const cache = new InMemoryContributionCache();
      const { ref, digest } = results.images[repeatImage];
      const byDigest = `${ref.slice(0, ref.lastIndexOf(':'))}@${digest}`;
      try {
        const first = await scanImage(client, ref, { cache });
        const resultCache = new Map([[first.digest, first.sbom]]);
        const tagRuns = [];
        const digestRuns = [];
        const resultRuns = [];
        let pulled = 0;
        for (let i = 0; i < REPEAT_SCANS; i++) {
          const a = await scanImage(client, ref, { cache });
          const b = await scanImage(client, byDigest, { cache });
          pulled += a.layersPulled + b.layersPulled;
          if (a.sbom.packages.length !== first.sbom.packages.length) throw new Error('repeat scan gave a different SBOM');
          tagRuns.push(a.ms.total);
          digestRuns.push(b.ms.total);
          // scan-result cache by image digest: resolve the tag to its digest, then a lookup
          const t0 = performance.now();
          const image = await client.resolve(ref);
          const hit = resultCache.get(image.digest);
          if (!hit) throw new Error('result cache miss');
          resultRuns.push(performance.now() - t0);
        }
        const stats = (xs) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95), max: Math.max(...xs), n: xs.length });
        results.repeatScan = {
          image: repeatImage,
          packages: first.sbom.packages.length,
          layers: first.sbom.layers.length,
          firstScanMs: first.ms.total,
          layersPulledByRepeats: pulled,
          byTagMs: stats(tagRuns),
          byDigestMs: stats(digestRuns),
          resultCacheByTagMs: stats(resultRuns),
          note: 'byTag/byDigest = resolve (manifest + config GET) + contribution-cache hits (JSON.parse, as from Redis) + merge; resultCacheByTag = resolve + a Map lookup by image digest',
        };
      } finally {
        await client.close();
      }
    }

    // ---- fan-out: N repositories sharing one base image
    if (FANOUT > 0) {
      const baseLayers = ['debian-base', 'node-runtime'].map((l) => layers[l]);
      progress(`pushing ${FANOUT} repositories sharing ${baseLayers.length} base layers (mounted, not re-uploaded)`);
      const refs = [];
      const ownLayers = new Set();
      for (let i = 0; i < FANOUT; i++) {
        ownLayers.add(appLayer(i).digest);
        const repo = `${prefix}/fan-${String(i).padStart(3, '0')}`;
        const digest = await pushImage(registryUrl, repo, 'v1', [...baseLayers, appLayer(i)], { mountFrom: IMAGE_NAMES.includes('node-app') ? `${prefix}/node-app` : undefined });
        pushed.push([repo, digest]);
        refs.push(`${host}/${repo}:v1`);
      }
      const logPath = accessLogPath();
      const phases = [
        ['sequential', 1, (c) => c],
        [`concurrent-${FANOUT_CONCURRENCY}`, FANOUT_CONCURRENCY, (c) => c],
        [`concurrent-${FANOUT_CONCURRENCY}-single-flight`, FANOUT_CONCURRENCY, (c) => new SingleFlightCache(c)],
      ];
      results.fanout = { repositories: FANOUT, baseLayers: baseLayers.map((l) => l.digest), phases: [] };
      for (const [label, concurrency, wrap] of phases) {
        progress(`fan-out ${label}: scanning ${FANOUT} repositories`);
        const counter = new RequestCounter();
        const client = makeClient(registryUrl, counter);
        const cache = wrap(new InMemoryContributionCache());
        const offset = logSize(logPath);
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        let scans;
        try {
          scans = await mapConcurrent(refs, concurrency, (ref) => scanImage(client, ref, { cache }));
        } finally {
          await client.close();
        }
        const cpu = process.cpuUsage(cpu0);
        const wallS = (performance.now() - t0) / 1000;
        await new Promise((r) => setTimeout(r, 300)); // let the registry flush its log
        const fromLog = blobGetsInLog(logPath, offset, prefix);
        const perBase = baseLayers.map((l) => ({ digest: l.digest, clientGets: counter.blobGets.get(l.digest) ?? 0, accessLogGets: fromLog ? (fromLog[l.digest] ?? 0) : null }));
        const appGets = [...counter.blobGets.entries()].filter(([d]) => ownLayers.has(d));
        results.fanout.phases.push({
          label,
          concurrency,
          wallS,
          cpuS: (cpu.user + cpu.system) / 1e6,
          baseLayerGets: perBase,
          appLayerGets: { layers: appGets.length, gets: appGets.reduce((s, [, n]) => s + n, 0) },
          requests: counter.byKind,
          packagesPerImage: [...new Set(scans.map((s) => s.sbom.packages.length))],
        });
        progress(`fan-out ${label}: ${wallS.toFixed(1)} s, base-layer GETs ${perBase.map((b) => b.clientGets).join('/')} (access log ${perBase.map((b) => b.accessLogGets).join('/')})`);
      }
    }

    // ---- CPU profiles (untimed)
    if (args['cpu-prof']) {
      const dir = resolve(args['cpu-prof']);
      mkdirSync(dir, { recursive: true });
      for (const name of IMAGE_NAMES) {
        progress(`profiling ours on ${name} -> ${dir}`);
        await tools.ours.scan(results.images[name].ref, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', `ours-${name}.cpuprofile`]);
      }
      results.cpuProfiles = dir;
    }
  } finally {
    if (!args.keep) {
      progress(`deleting ${pushed.length} pushed manifests`);
      for (const [repo, digest] of pushed) await deleteManifest(registryUrl, repo, digest);
    }
  }

  const outDir = join(ROOT, '.cache/bench');
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, `images-results-${results.when.replace(/[:.]/g, '-')}.json`);
  writeFileSync(outFile, JSON.stringify(results, null, 2));
  progress(`results written to ${outFile}`);
  process.stdout.write(args.json ? `${JSON.stringify(results, null, 2)}\n` : tables(results));
}

// ---------------------------------------------------------------- tables

const fmt = (x, d = 2) => (x === null || x === undefined ? '–' : x.toFixed(d));
const pct = (x) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);
const mb = (b) => (b / 2 ** 20).toFixed(1);
const sp = (s, d = 2) => `${fmt(s.median, d)} (${fmt(s.min, d)}–${fmt(s.max, d)})`;

function tables(r) {
  const L = [];
  L.push(`## Image SBOM extraction: ours vs syft ${r.syft.version}`, '');
  L.push(`Machine: ${r.machine.nproc} × ${r.machine.cpu}, ${r.machine.memGiB} GiB, Node ${r.machine.node}, load ${r.machine.loadavg.map((x) => x.toFixed(1)).join(' ')}. Repeats ${r.settings.repeat} (median, min–max), warm-up ${r.settings.warmup}.`, '');
  L.push('### Cold scan from the registry (pull included)', '');
  L.push('| image | layers | MiB (gz) | ours wall s | syft wall s | wall ratio | ours CPU s | syft CPU s | CPU ratio | ours pkgs | syft pkgs |');
  L.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [name, img] of Object.entries(r.images)) {
    if (!img.ours) continue;
    L.push(`| ${name} | ${img.layers.length} | ${mb(img.compressedBytes)} | ${sp(img.ours.wallS)} | ${sp(img.syft.wallS)} | ${fmt(img.ratio.wall)}× | ${sp(img.ours.cpuS)} | ${sp(img.syft.cpuS)} | ${fmt(img.ratio.cpu)}× | ${img.runs.ours.at(-1).packages} | ${img.runs.syft.at(-1).packages} |`);
  }
  L.push(`| **all** | | | ${fmt(r.overall.oursWallS)} | ${fmt(r.overall.syftWallS)} | **${fmt(r.overall.ratio)}×** | | | | | |`, '');
  L.push('### Package agreement (type, name, version), |∩| / |∪| summed over the images', '');
  L.push('| ecosystem | ours ∩ syft | ours ∪ syft | agreement |', '|---|---|---|---|');
  for (const [label, a] of Object.entries(r.agreement)) L.push(`| ${label}${a.note ? ' (synthetic)' : ''} | ${a.both} | ${a.union} | ${pct(a.agreement)} |`);
  L.push('');
  L.push('Differences:', '');
  let any = false;
  for (const [name, img] of Object.entries(r.images)) {
    if (!img.agreement) continue;
    for (const [label, a] of Object.entries(img.agreement.byEcosystem)) {
      if (a.oursOnly.length + a.syftOnly.length === 0) continue;
      any = true;
      const list = (xs) => (xs.length > 25 ? `${xs.slice(0, 25).join(', ')}, … (+${xs.length - 25})` : xs.join(', ') || '–');
      L.push(`- ${name} / ${label}: only ours: ${list(a.oursOnly)}; only syft: ${list(a.syftOnly)}`);
    }
    for (const [t, counts] of Object.entries(img.agreement.notCompared)) {
      for (const [type, pk] of Object.entries(counts)) L.push(`- ${name}: ${t} also reports ${type} (not compared): ${pk.slice(0, 10).join(', ')}${pk.length > 10 ? ', …' : ''}`);
    }
  }
  if (!any) L.push('- none');
  L.push('');
  if (r.repeatScan) {
    const s = r.repeatScan;
    L.push(`### Repeat scan of a known image (${s.image}, ${s.layers} layers, ${s.packages} packages; in-process, contribution cache warm)`, '');
    L.push('| request | p50 ms | p95 ms | max ms | n |', '|---|---|---|---|---|');
    L.push(`| first (cold) scan | ${fmt(s.firstScanMs, 1)} | | | 1 |`);
    for (const [k, label] of [['byTagMs', 'by tag: resolve + cached contributions + merge'], ['byDigestMs', 'by digest: resolve + cached contributions + merge'], ['resultCacheByTagMs', 'by tag: resolve + result-cache lookup by image digest']]) {
      L.push(`| ${label} | ${fmt(s[k].p50, 1)} | ${fmt(s[k].p95, 1)} | ${fmt(s[k].max, 1)} | ${s[k].n} |`);
    }
    L.push('', `Layers pulled by the repeat scans: ${s.layersPulledByRepeats}.`, '');
  }
  if (r.fanout) {
    L.push(`### ${r.fanout.repositories} repositories sharing one base image (${r.fanout.baseLayers.length} base layers + 1 own layer each)`, '');
    L.push('| phase | wall s | CPU s | GETs per base layer (client) | (registry access log) | own-layer GETs | manifest GETs |', '|---|---|---|---|---|---|---|');
    for (const p of r.fanout.phases) {
      L.push(`| ${p.label} | ${fmt(p.wallS, 1)} | ${fmt(p.cpuS, 1)} | ${p.baseLayerGets.map((b) => b.clientGets).join(' / ')} | ${p.baseLayerGets.map((b) => b.accessLogGets ?? '–').join(' / ')} | ${p.appLayerGets.gets} for ${p.appLayerGets.layers} layers | ${p.requests.manifests} |`);
    }
    L.push('');
  }
  if (r.cpuProfiles) L.push(`CPU profiles: ${r.cpuProfiles} (node tools/bench/profile-summary.mjs <file>)`, '');
  return `${L.join('\n')}\n`;
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
