// Helpers the benchmark runners share: summary statistics, and running one tool as a child
// process with its wall time and the CPU time of its whole process tree.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The smallest value with at least `q` of the values at or below it (nearest rank); `null` for none. */
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return null;
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

/** n, median, p95, min and max of the finite values. */
export const stats = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { n: 0, median: null, p95: null, min: null, max: null };
  return { n: v.length, median: median(v), p95: quantile(v, 0.95), min: Math.min(...v), max: Math.max(...v) };
};

/** A number for a table cell: integers as they are, others with `digits` decimals, `-` for none. */
export const fmt = (v, digits = 1) => (v === null || v === undefined ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(digits));

/** A Markdown table, first column left-aligned, the others right-aligned. */
export function markdownTable(head, rows) {
  const body = rows.map((r) => r.map((c) => String(c)));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i === 0 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w - 1)}:-`)).join('|')}|`, ...body.map(line)].join('\n');
}

/** The machine a run used, with the versions of the given packages (`{ label: 'package-name' }`) from `root`'s node_modules. */
export function machineInfo(root, packages = {}) {
  const version = (name) => {
    try {
      return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return null;
    }
  };
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    ...Object.fromEntries(Object.entries(packages).map(([label, name]) => [label, version(name)])),
    loadavgStart: loadavg().map((x) => x.toFixed(2)).join(' '),
    date: new Date().toISOString(),
  };
}

/** median, min, max and every value, as the runners report them. */
export const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), all: xs });

/** Runs `tools/bench/<x>/peers.sh` and returns its KEY=value lines (paths of the peer tools). */
export function ensurePeers(script, cwd) {
  const res = spawnSync('bash', [script], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (res.status !== 0) throw new Error(`${script} failed with ${res.status}`);
  return Object.fromEntries(res.stdout.trim().split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** user+sys seconds of all waited-for descendants of this process (fields cutime, cstime). */
export function childrenCpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // After the ")" field 3 (state) is index 0: cutime is field 16 -> index 13, cstime 17 -> 14.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(f[13]) / CLK_TCK, sys: Number(f[14]) / CLK_TCK };
}

/**
 * Runs cmd to completion (killed after `timeoutMs`); resolves { code, signal, wallS, cpuS, userS,
 * sysS, stdout, stderr }. CPU is measured from this process's children totals: run one child at a time.
 */
export function timed(cmd, argv, { cwd, env = process.env, timeoutMs }) {
  return new Promise((resolvePromise, reject) => {
    const before = childrenCpu();
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wallS = (performance.now() - t0) / 1000;
      const after = childrenCpu();
      resolvePromise({
        code,
        signal,
        wallS,
        cpuS: after.user - before.user + (after.sys - before.sys),
        userS: after.user - before.user,
        sysS: after.sys - before.sys,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** Logs progress on stderr with the runner's name and the time of day. */
export const progressLog = (name) => (msg) => process.stderr.write(`[${name} ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Retries `fn` for up to `ms`, with growing pauses. The shared broker is sometimes briefly without
 * a leader for somebody's partition (other tests create, delete and restart things), and kafkajs's
 * admin does not retry that.
 */
export async function retrying(what, fn, { ms = 60_000, log = () => undefined } = {}) {
  const deadline = Date.now() + ms;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      log(`  ${what} attempt ${attempt} failed (${error.message}); retrying`);
      await sleep(Math.min(5_000, 500 * attempt));
    }
  }
}
