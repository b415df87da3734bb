#!/usr/bin/env node
// Layer secret-scan benchmark: the image scanner's secret scan of a layer (libs/sbom's layer walk +
// libs/secrets' worker pool, apps/image-scanner `scanLayerSecrets`) against the repository scan of
// the same bytes in the same run: the same files committed into a git repository and scanned the
// way the secret-auditor and `portcullis secrets scan --repo` scan a range (libs/git
// listPushedChanges + libs/secrets ChangeSetScan), plus the bare engine over the files as a floor.
//   npx tsc -b apps/image-scanner/tsconfig.lib.json apps/cli/tsconfig.lib.json
//   node tools/bench/layer-secrets/run.mjs [--size-mb 20] [--repeat 3] [--workers 2]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip, gzipSync } from 'node:zlib';
import { listPushedChanges, openLocalRepository, resolveRevisionRange } from '@portcullis/git';
import { ChangeSetScan, createSecretScanner } from '@portcullis/secrets';
import { pack } from 'tar-stream';
import { fmt, machineInfo, markdownTable, stats } from '../bench-lib.mjs';
import { ensureCorpus } from '../secrets/corpus.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const VARIANTS = ['layer-tar', 'layer-tar-gz', 'git-range', 'engine-files'];

const HELP = `Layer secret-scan throughput vs the repository scan of the same bytes.

Usage: node tools/bench/layer-secrets/run.mjs [options]
  (build first: npx tsc -b apps/image-scanner/tsconfig.lib.json apps/cli/tsconfig.lib.json)

Variants (same files, same scanner options, alternating order between repeats):
  layer-tar      the image scanner's scanLayerSecrets over an uncompressed layer tar held in memory
                 (tar parse, bounds, binary probe, worker pool) — what a layer costs once pulled
  layer-tar-gz   the same from a gzip layer blob in memory (adds the gunzip a registry layer needs)
  git-range      the repository scan: the files committed in one commit of a local git repository,
                 listed with libs/git listPushedChanges (git diff of the commit) and scanned with
                 ChangeSetScan — the secret-auditor's and \`portcullis secrets scan --repo\` path
  engine-files   floor: the files read from disk and handed straight to the same scanner

Options:
  --size-mb MB    corpus size (tools/bench/secrets/corpus.mjs; default 20)
  --seed N        corpus seed (default 1)
  --repeat R      timed runs per variant; median with min-max (default 3)
  --workers N     worker threads of the secret scanner, every variant (default 2)
  --pending-scans N  git-range: ChangeSetScan maxPendingScans, files handed to the pool before
                 add() waits (default 0: add() awaits each file's scan, as the apps call it)
  --variants LIST comma-separated subset of ${VARIANTS.join(',')}
  --json          print the results as JSON instead of tables
  -h, --help      this text

MB/s = corpus bytes (every file, binaries included) / wall time of the variant; files/s = corpus
files / wall time. Findings are counted per variant so that a variant doing less work shows.
Progress goes to stderr.`;

const { values: args } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    repeat: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
    'pending-scans': { type: 'string', default: '0' },
    variants: { type: 'string', default: VARIANTS.join(',') },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const log = (msg) => process.stderr.write(`[layer-secrets] ${msg}\n`);
const sizeMb = Number(args['size-mb']);
const repeat = Number(args.repeat);
const workers = Number(args.workers);
const pendingScans = Number(args['pending-scans']);
const variants = args.variants.split(',').filter(Boolean);
for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant ${v}`);

const { scanLayerSecrets, SecretScanBudget } = await import(join(ROOT, 'apps/image-scanner/dist/secrets/layer-secrets.js'));

const corpus = ensureCorpus({ seed: Number(args.seed), sizeMb, progress: log });
const files = listFiles(corpus.dir).map((abs) => ({ path: relative(corpus.dir, abs), content: readFileSync(abs) }));
const totalBytes = files.reduce((n, f) => n + f.content.byteLength, 0);
const maxFileBytes = 10 * 1024 * 1024;
const fingerprintKey = randomBytes(32);
log(`${files.length} files, ${(totalBytes / 1e6).toFixed(1)} MB`);

// The layer: the same files as one tar (and its gzip, as a registry would serve it).
const tar = await tarOf(files);
const tarGz = gzipSync(tar, { level: 6 });
// The repository: the same files in one commit.
const repoDir = join(tmpdir(), `bench-layer-secrets-${randomBytes(4).toString('hex')}`);
mkdirSync(repoDir, { recursive: true });
cpSync(corpus.dir, repoDir, { recursive: true });
const git = (...a) => execFileSync('git', ['-C', repoDir, ...a], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 }).toString().trim();
git('init', '-q', '-b', 'main');
git('add', '-A', '-f');
git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'corpus');
const head = git('rev-parse', 'HEAD');

const runs = Object.fromEntries(variants.map((v) => [v, []]));
try {
  for (let r = 0; r < repeat + 1; r++) {
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const scanner = createSecretScanner({ fingerprintKey, maxFileBytes, workers });
      try {
        const started = process.hrtime.bigint();
        const result = await run(variant, scanner);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        // The first round warms the workers' JIT and the file cache; it is not reported.
        if (r > 0) runs[variant].push({ seconds, ...result });
        log(`${r === 0 ? 'warm-up ' : ''}${variant}: ${seconds.toFixed(2)} s, ${result.findings} findings, ${result.scannedFiles} files scanned`);
      } finally {
        await scanner.close();
      }
    }
  }
} finally {
  rmSync(repoDir, { recursive: true, force: true });
}

async function run(variant, scanner) {
  switch (variant) {
    case 'layer-tar':
    case 'layer-tar-gz': {
      const source = variant === 'layer-tar' ? Readable.from([tar]) : Readable.from([tarGz]).pipe(createGunzip());
      const budget = new SecretScanBudget({ maxBytes: Number.MAX_SAFE_INTEGER, maxMs: 3_600_000 });
      const layer = await scanLayerSecrets(`sha256:${'0'.repeat(64)}`, source, scanner, { maxFileBytes, budget });
      const overflow = Object.values(layer.overflow).reduce((a, b) => a + b, 0);
      return { findings: layer.findings.length + overflow, scannedFiles: layer.stats.files, skipped: layer.skipped };
    }
    case 'git-range': {
      const repository = await openLocalRepository(repoDir, { maxFileBytes, maxManifestBytes: maxFileBytes, maxCommits: Number.MAX_SAFE_INTEGER });
      const range = await resolveRevisionRange(repository, head);
      const scan = new ChangeSetScan(scanner, { maxPendingScans: pendingScans });
      for await (const change of listPushedChanges(repository, range)) {
        if (change.kind === 'lines') await scan.add({ kind: 'lines', commit: change.commit, author: change.author, path: change.path, lines: change.addedLines });
        else if (change.kind === 'manifest') await scan.add({ kind: 'manifest', commit: change.commit, author: '', path: change.path, content: change.content });
        else await scan.add({ kind: 'skipped', path: change.path, reason: change.reason });
      }
      const done = await scan.complete();
      return { findings: done.findings.length, scannedFiles: done.files, skipped: countBy(done.skips.map((s) => s.reason)) };
    }
    case 'engine-files': {
      const results = await Promise.all(files.map((f) => scanner.scan({ path: f.path, content: f.content })));
      const skips = results.flatMap((x) => x.skips.map((s) => s.reason));
      return { findings: results.reduce((n, x) => n + x.findings.length, 0), scannedFiles: files.length - skips.length, skipped: countBy(skips) };
    }
  }
  throw new Error(variant);
}

const summary = variants.map((variant) => {
  const list = runs[variant];
  return {
    variant,
    seconds: stats(list.map((x) => x.seconds)),
    mbPerSecond: stats(list.map((x) => totalBytes / 1e6 / x.seconds)),
    filesPerSecond: stats(list.map((x) => files.length / x.seconds)),
    findings: list[0]?.findings,
    scannedFiles: list[0]?.scannedFiles,
    skipped: list[0]?.skipped,
  };
});
const baseline = summary.find((s) => s.variant === 'git-range');
const result = {
  machine: machineInfo(ROOT),
  command: `node tools/bench/layer-secrets/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  corpus: { dir: relative(ROOT, corpus.dir), files: files.length, bytes: totalBytes, tarBytes: tar.byteLength, tarGzBytes: tarGz.byteLength },
  workers,
  pendingScans,
  repeat,
  summary: summary.map((s) => ({ ...s, vsGitRange: baseline?.mbPerSecond.median ? s.mbPerSecond.median / baseline.mbPerSecond.median : null })),
};
mkdirSync(join(ROOT, '.cache/bench'), { recursive: true });
writeFileSync(join(ROOT, '.cache/bench', `layer-secrets-results-${Date.now()}.json`), `${JSON.stringify(result, null, 2)}\n`);
if (args.json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const range = (s, d = 1) => `${fmt(s.median, d)} (${fmt(s.min, d)}–${fmt(s.max, d)})`;
  process.stdout.write(
    `${markdownTable(
      ['variant', 'wall s', 'MB/s', 'files/s', '× git-range', 'files scanned', 'findings', 'skipped'],
      result.summary.map((s) => [
        s.variant,
        range(s.seconds, 2),
        range(s.mbPerSecond),
        range(s.filesPerSecond, 0),
        fmt(s.vsGitRange, 2),
        s.scannedFiles,
        s.findings,
        Object.entries(s.skipped ?? {})
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || '-',
      ]),
    )}\n\n${files.length} files, ${(totalBytes / 1e6).toFixed(1)} MB (tar ${(tar.byteLength / 1e6).toFixed(1)} MB, gzip ${(tarGz.byteLength / 1e6).toFixed(1)} MB); ${workers} workers; median of ${repeat} (min–max) after one warm-up round; ${result.machine.nproc} CPUs ${result.machine.cpu}, node ${result.machine.node}\n`,
  );
}

function listFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(abs));
    else if (entry.isFile() && statSync(abs).size >= 0) out.push(abs);
  }
  return out.sort();
}

async function tarOf(list) {
  const archive = pack();
  const chunks = [];
  const done = (async () => {
    for await (const chunk of archive) chunks.push(chunk);
  })();
  for (const f of list) {
    await new Promise((res, rej) => archive.entry({ name: f.path, mode: 0o644, size: f.content.byteLength }, f.content, (e) => (e ? rej(e) : res())));
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

function countBy(list) {
  const out = {};
  for (const x of list) out[x] = (out[x] ?? 0) + 1;
  return out;
}
