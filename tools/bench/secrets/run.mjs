#!/usr/bin/env node
// Secret scanning benchmark: our CLI (`portcullis secrets scan`) against gitleaks and secretlint,
// in the same run, on a generated labeled corpus (corpus.mjs). Reports throughput (MB/s, wall and
// CPU of the child process tree), and recall/precision against the labels, per tool, per secret
// type, per context, plus where each tool's false positives land.
//   tools/bench/secrets/peers.sh            (builds/installs the pinned peers into .cache/peers/)
//   node tools/bench/secrets/run.mjs [--tools gitleaks,secretlint,portcullis] [--size-mb 40] [--seed 1] [--repeat 3]
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensurePeers, spread, timed } from '../bench-lib.mjs';
import { ensureCorpus } from './corpus.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const ALL_TOOLS = ['portcullis', 'gitleaks', 'secretlint'];

const HELP = `Secret scanning benchmark: portcullis vs gitleaks vs secretlint on a labeled generated corpus.

Usage: node tools/bench/secrets/run.mjs [options]
  (peers: tools/bench/secrets/peers.sh, run automatically when a peer is missing)

Options:
  --tools LIST     comma-separated subset of ${ALL_TOOLS.join(',')} (default: all)
  --size-mb MB     corpus size (default 40)
  --seed N         corpus seed (default 1)
  --repeat R       timed runs per tool; the median is reported with min-max (default 3). Tools
                   alternate order between repeats
  --regenerate     regenerate the corpus even if a matching one is cached
  --timeout S      give up on one tool run after S seconds (default 1800)
  --portcullis-cli PATH
                   our CLI entry point (default apps/cli/bin/portcullis.mjs), run with node as
                   "<cli> secrets scan <corpus> --format json"; its stdout must be
                   { findings: [{ ruleId, path, line, ... }], skips: [...] } or a bare findings array
  --json           print the results as JSON on stdout instead of tables
  --out FILE       also write the JSON results to FILE (always written to
                   .cache/bench/secrets-results-<timestamp>.json)
  -h, --help       this text

Accuracy: a label is (path, line) of a planted real secret; a finding counts as a true positive
when it names that path and exactly that line (±0), except for multi-line credentials (PEM private
keys: BEGIN line labeled, any line up to END accepted; GCP service-account JSON: private_key line
labeled, any line of the JSON object accepted). Duplicate reports of the same label or
of the same unlabeled path+line are collapsed before counting. recall = labels found / labels;
precision = matched findings / all findings (collapsed). The labels live beside the corpus,
outside the scanned tree. Throughput = corpus bytes / wall time of the tool's process; CPU = user+sys
of the process tree (from /proc/self/stat cutime+cstime). The file cache is warmed before timing.
Progress goes to stderr.`;

const { values: args } = parseArgs({
  options: {
    tools: { type: 'string', default: ALL_TOOLS.join(',') },
    'size-mb': { type: 'string', default: '40' },
    seed: { type: 'string', default: '1' },
    repeat: { type: 'string', default: '3' },
    regenerate: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '1800' },
    'portcullis-cli': { type: 'string', default: 'apps/cli/bin/portcullis.mjs' },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const TOOLS = args.tools.split(',').map((s) => s.trim()).filter(Boolean);
for (const t of TOOLS) if (!ALL_TOOLS.includes(t)) throw new Error(`unknown tool ${t} (known: ${ALL_TOOLS.join(', ')})`);
const SIZE_MB = Number(args['size-mb']);
const SEED = Number(args.seed);
const REPEAT = Math.max(1, Number(args.repeat));
const TIMEOUT_MS = Number(args.timeout) * 1000;
const WORK = join(ROOT, '.cache/bench');

const progress = (msg) => process.stderr.write(`[secrets-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

// ---------------------------------------------------------------- tool adapters

/** Path as reported by a tool -> path relative to the corpus root. */
function corpusRelative(corpusDir, p) {
  if (!p) return p;
  if (isAbsolute(p)) return relative(corpusDir, p);
  const fromRoot = relative(ROOT, corpusDir);
  if (p.startsWith(`${fromRoot}/`)) return p.slice(fromRoot.length + 1);
  return p.replace(/^\.\//, '');
}

const adapters = {
  gitleaks: (peers, corpusDir, runDir) => {
    const report = join(runDir, 'gitleaks-report.json');
    return {
      version: peers.GITLEAKS_VERSION,
      cmd: peers.GITLEAKS_BIN,
      // --redact keeps raw values out of the report file; --exit-code 0 because findings are expected.
      argv: ['dir', corpusDir, '--report-format', 'json', '--report-path', report, '--no-banner', '--redact', '--exit-code', '0', '--log-level', 'warn'],
      display: `gitleaks dir <corpus> --report-format json --report-path <file> --no-banner --redact --exit-code 0`,
      parse: () =>
        JSON.parse(readFileSync(report, 'utf8')).map((f) => ({ path: corpusRelative(corpusDir, f.File), line: f.StartLine, endLine: f.EndLine, ruleId: f.RuleID })),
    };
  },
  secretlint: (peers, corpusDir, runDir) => {
    const rc = join(runDir, 'secretlintrc.json');
    writeFileSync(rc, `${JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }, null, 2)}\n`);
    const report = join(runDir, 'secretlint-report.json');
    return {
      version: `${peers.SECRETLINT_VERSION} (preset-recommend ${peers.SECRETLINT_PRESET_VERSION})`,
      cmd: process.execPath,
      // The corpus lives under a git-ignored folder: --no-gitignore, or secretlint would skip it all.
      // The preset is resolved by secretlint from its own install prefix; the rc names only the preset.
      argv: [peers.SECRETLINT_BIN, '**/*', '--format', 'json', '--output', report, '--secretlintrc', rc, '--no-gitignore', '--no-color'],
      cwd: corpusDir,
      display: `node <secretlint>/bin/secretlint.js "**/*" --format json --output <file> --secretlintrc <rc> --no-gitignore (cwd = corpus)`,
      parse: () => {
        const raw = JSON.parse(readFileSync(report, 'utf8'));
        const out = [];
        for (const file of raw) for (const m of file.messages ?? []) out.push({ path: corpusRelative(corpusDir, file.filePath), line: m.line ?? m.loc?.start?.line, ruleId: m.ruleId ?? m.messageId });
        return out;
      },
    };
  },
  portcullis: (_peers, corpusDir) => {
    let stdoutText = '';
    return {
      version: 'workspace',
      cmd: process.execPath,
      argv: [resolve(ROOT, args['portcullis-cli']), 'secrets', 'scan', corpusDir, '--format', 'json'],
      display: `node ${args['portcullis-cli']} secrets scan <corpus> --format json`,
      capture: (stdout) => {
        stdoutText = stdout;
      },
      // Accepts { findings: [...], skips: [...] } or a bare array of findings.
      parse: () => {
        const raw = JSON.parse(stdoutText);
        const list = Array.isArray(raw) ? raw : raw.findings;
        if (!Array.isArray(list)) throw new Error('output has no findings array');
        return list.map((f) => ({ path: corpusRelative(corpusDir, f.path ?? f.file), line: f.line ?? f.startLine, ruleId: f.ruleId }));
      },
      skips: () => {
        const raw = JSON.parse(stdoutText);
        return Array.isArray(raw) ? [] : (raw.skips ?? []);
      },
    };
  },
};

// ---------------------------------------------------------------- scoring

function score(findings, labels) {
  const byPath = new Map();
  labels.positives.forEach((l, i) => {
    if (!byPath.has(l.path)) byPath.set(l.path, []);
    byPath.get(l.path).push({ ...l, i });
  });
  const negIndex = new Map(labels.negatives.map((n) => [`${n.path}:${n.line}`, n.kind]));
  const fileKind = new Map(labels.files.map((f) => [f.path, f.kind]));
  const found = new Set();
  const fpKeys = new Map();
  for (const f of findings) {
    const cands = byPath.get(f.path) ?? [];
    const hit = cands.find((l) => (l.accept ? f.line >= l.accept[0] && f.line <= l.accept[1] : f.line === l.line));
    if (hit) found.add(hit.i);
    else {
      const key = `${f.path}:${f.line}`;
      if (!fpKeys.has(key)) fpKeys.set(key, { path: f.path, line: f.line, ruleIds: new Set(), category: negIndex.has(key) ? `negative:${negIndex.get(key)}` : `unplanted:${fileKind.get(f.path) ?? 'unknown-file'}` });
      fpKeys.get(key).ruleIds.add(f.ruleId);
    }
  }
  const tp = found.size;
  const fp = fpKeys.size;
  const group = (key) => {
    const g = {};
    labels.positives.forEach((l, i) => {
      g[l[key]] ??= { labels: 0, found: 0 };
      g[l[key]].labels++;
      if (found.has(i)) g[l[key]].found++;
    });
    return g;
  };
  const fpByCategory = {};
  for (const v of fpKeys.values()) fpByCategory[v.category] = (fpByCategory[v.category] ?? 0) + 1;
  return {
    rawFindings: findings.length,
    findings: tp + fp,
    tp,
    fp,
    fn: labels.positives.length - tp,
    recall: tp / labels.positives.length,
    precision: tp + fp ? tp / (tp + fp) : null,
    byType: group('type'),
    byContext: group('context'),
    fpByCategory,
    falsePositives: [...fpKeys.values()].map((v) => ({ path: v.path, line: v.line, category: v.category, ruleIds: [...v.ruleIds] })),
    falseNegatives: labels.positives.filter((_, i) => !found.has(i)).map(({ path, line, type, context }) => ({ path, line, type, context })),
  };
}

// ---------------------------------------------------------------- main

function warmCache(dir) {
  let bytes = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else bytes += readFileSync(p).length;
    }
  };
  walk(dir);
  return bytes;
}

async function main() {
  mkdirSync(WORK, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = join(WORK, `secrets-run-${stamp}`);
  mkdirSync(runDir, { recursive: true });

  const needPeers = TOOLS.some((t) => t !== 'portcullis');
  const peers = needPeers ? ensurePeers(join(HERE, 'peers.sh'), ROOT) : {};
  const { dir: corpusDir, labels } = ensureCorpus({ seed: SEED, sizeMb: SIZE_MB, force: args.regenerate, progress });
  const corpusBytes = warmCache(corpusDir);
  const mb = corpusBytes / (1024 * 1024);
  progress(`corpus: ${labels.totals.files} files, ${mb.toFixed(1)} MiB, ${labels.positives.length} labeled secrets, ${labels.negatives.length} planted negatives`);

  const tools = {};
  for (const name of TOOLS) {
    const a = adapters[name](peers, corpusDir, runDir);
    tools[name] = { name, adapter: a, runs: [], available: true, error: null, findings: null };
  }

  for (let rep = 0; rep < REPEAT; rep++) {
    const order = rep % 2 === 0 ? TOOLS : [...TOOLS].reverse();
    for (const name of order) {
      const t = tools[name];
      if (!t.available) continue;
      progress(`repeat ${rep + 1}/${REPEAT}: ${name} ...`);
      let res;
      try {
        res = await timed(t.adapter.cmd, t.adapter.argv, { cwd: t.adapter.cwd ?? ROOT, timeoutMs: TIMEOUT_MS });
      } catch (e) {
        t.available = false;
        t.error = `failed to start: ${e.message}`;
        progress(`${name}: not available (${t.error})`);
        continue;
      }
      // secretlint and portcullis exit 1 when they find something (gitleaks runs with --exit-code 0);
      // anything else (or no report) is a failure.
      const okCodes = name === 'gitleaks' ? [0] : [0, 1];
      if (!okCodes.includes(res.code)) {
        t.available = false;
        // Tool stderr may echo what it scanned; keep only its first lines, never findings.
        t.error = `exit ${res.code ?? res.signal}: ${res.stderr.split('\n').slice(0, 3).join(' | ').slice(0, 300)}`;
        progress(`${name}: not available (${t.error})`);
        continue;
      }
      t.adapter.capture?.(res.stdout);
      let findings;
      try {
        findings = t.adapter.parse();
      } catch (e) {
        t.available = false;
        t.error = `unreadable output: ${e.message}`;
        progress(`${name}: not available (${t.error})`);
        continue;
      }
      if (t.findings === null) t.findings = findings;
      else if (findings.length !== t.findings.length) progress(`${name}: WARNING findings differ between repeats (${t.findings.length} vs ${findings.length})`);
      t.runs.push({ wallS: res.wallS, cpuS: res.cpuS, userS: res.userS, sysS: res.sysS, mbPerS: mb / res.wallS });
      progress(`${name}: ${res.wallS.toFixed(2)} s wall, ${res.cpuS.toFixed(2)} s CPU, ${(mb / res.wallS).toFixed(2)} MiB/s, ${findings.length} findings`);
    }
  }

  const results = {
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model, node: process.version, memGiB: +(totalmem() / 2 ** 30).toFixed(1), loadavg: loadavg() },
    corpus: { dir: relative(ROOT, corpusDir), seed: SEED, sizeMb: SIZE_MB, files: labels.totals.files, bytes: corpusBytes, positives: labels.positives.length, negatives: labels.negatives.length },
    repeat: REPEAT,
    tools: {},
  };
  for (const name of TOOLS) {
    const t = tools[name];
    if (!t.available && t.runs.length === 0) {
      results.tools[name] = { available: false, error: t.error, command: t.adapter.display };
      continue;
    }
    results.tools[name] = {
      available: true,
      version: t.adapter.version,
      command: t.adapter.display,
      wallS: spread(t.runs.map((r) => r.wallS)),
      cpuS: spread(t.runs.map((r) => r.cpuS)),
      mbPerS: spread(t.runs.map((r) => r.mbPerS)),
      ...(t.adapter.skips ? { skips: t.adapter.skips().length } : {}),
      accuracy: score(t.findings, labels),
    };
  }
  const file = join(WORK, `secrets-results-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  if (args.out) writeFileSync(resolve(args.out), `${JSON.stringify(results, null, 2)}\n`);
  progress(`raw results: ${relative(ROOT, file)}`);
  if (args.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else process.stdout.write(tables(results, labels));
}

function tables(results, labels) {
  const f2 = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(2));
  const f3 = (x) => (x === null || x === undefined ? '–' : x.toFixed(3));
  const names = Object.keys(results.tools);
  const avail = names.filter((n) => results.tools[n].available);
  const base = results.tools.gitleaks?.available ? results.tools.gitleaks.mbPerS.median : null;
  const out = [];
  const c = results.corpus;
  out.push(`Load average at the end: ${results.machine.loadavg.map((x) => x.toFixed(1)).join(' ')} (on ${results.machine.nproc} cores; wall times include waiting for other processes, CPU times do not).`);
  out.push(`Corpus: seed ${c.seed}, ${c.files} files, ${(c.bytes / 2 ** 20).toFixed(1)} MiB, ${c.positives} labeled secrets, ${c.negatives} planted negatives. Machine: ${results.machine.nproc}× ${results.machine.cpu}, Node ${results.machine.node}. Repeats: ${results.repeat} (median, min–max).`, '');
  const baseCpu = results.tools.gitleaks?.available ? results.tools.gitleaks.cpuS.median : null;
  out.push('| tool | version | MiB/s (wall) | × gitleaks | wall s | CPU s (user+sys) | MiB per CPU-s | × gitleaks (CPU) | findings | TP | FP | FN | recall | precision |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const n of names) {
    const t = results.tools[n];
    if (!t.available) {
      out.push(`| ${n} | – | not available | | | | | | | | | | | |`);
      continue;
    }
    const a = t.accuracy;
    const mbCpu = c.bytes / 2 ** 20 / t.cpuS.median;
    out.push(`| ${n} | ${t.version} | ${f2(t.mbPerS.median)} (${f2(t.mbPerS.min)}–${f2(t.mbPerS.max)}) | ${base ? f2(t.mbPerS.median / base) : '–'} | ${f2(t.wallS.median)} (${f2(t.wallS.min)}–${f2(t.wallS.max)}) | ${f2(t.cpuS.median)} (${f2(t.cpuS.min)}–${f2(t.cpuS.max)}) | ${f2(mbCpu)} | ${baseCpu ? f2(baseCpu / t.cpuS.median) : '–'} | ${a.findings} | ${a.tp} | ${a.fp} | ${a.fn} | ${f3(a.recall)} | ${f3(a.precision)} |`);
  }
  for (const n of names) if (!results.tools[n].available) out.push('', `${n}: not available — ${results.tools[n].error}`);
  const groupTable = (title, key) => {
    out.push('', `${title}`, '', `| ${key} | labels | ${avail.join(' | ')} |`, `|---|---|${avail.map(() => '---').join('|')}|`);
    const groups = {};
    for (const l of labels.positives) groups[l[key]] = (groups[l[key]] ?? 0) + 1;
    for (const g of Object.keys(groups).sort()) {
      const cells = avail.map((n) => {
        const x = results.tools[n].accuracy[key === 'type' ? 'byType' : 'byContext'][g];
        return x ? `${f2(x.found / x.labels)}` : '–';
      });
      out.push(`| ${g} | ${groups[g]} | ${cells.join(' | ')} |`);
    }
  };
  if (avail.length) {
    groupTable('Recall by secret type:', 'type');
    groupTable('Recall by context (where the secret sits):', 'context');
    const cats = new Set();
    for (const n of avail) for (const k of Object.keys(results.tools[n].accuracy.fpByCategory)) cats.add(k);
    out.push('', 'False positives by where they land (negative:<kind> = a planted look-alike; unplanted:<file kind> = ordinary content):', '', `| category | ${avail.join(' | ')} |`, `|---|${avail.map(() => '---').join('|')}|`);
    for (const k of [...cats].sort()) out.push(`| ${k} | ${avail.map((n) => results.tools[n].accuracy.fpByCategory[k] ?? 0).join(' | ')} |`);
  }
  return `${out.join('\n')}\n`;
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
