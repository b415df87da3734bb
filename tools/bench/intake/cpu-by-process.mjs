#!/usr/bin/env node
// Read-only helper for tools/bench/intake: once a second, CPU cores used per process group
// (kafka = any java process, redis, intake, bare, autocannon = load.mjs, other-node, rest), from
// /proc (Linux). Run it beside run.mjs and match its lines with run.mjs's progress timestamps:
//   node tools/bench/intake/cpu-by-process.mjs /tmp/cpu.log 330 &
//   node tools/bench/intake/run.mjs 2> /tmp/run.err
// Used for the per-request CPU of the broker and Redis in docs/benchmarks.md.
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const [out, seconds = '300'] = process.argv.slice(2);
if (!out || out === '--help' || out === '-h') {
  process.stdout.write('Usage: node tools/bench/intake/cpu-by-process.mjs OUT_FILE [SECONDS=300]\n');
  process.exit(out ? 0 : 2);
}
const TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function groupOf(cmd) {
  if (/java/.test(cmd)) return 'kafka';
  if (/redis-server/.test(cmd)) return 'redis';
  if (/webhook-intake\/dist\/main/.test(cmd)) return 'intake';
  if (/bare-server/.test(cmd)) return 'bare';
  if (/intake\/load\.mjs/.test(cmd)) return 'autocannon';
  if (/node/.test(cmd)) return 'other-node';
  return 'rest';
}

function snapshot() {
  const m = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      m.set(pid, { group: groupOf(cmd), cpu: (Number(f[11]) + Number(f[12])) / TCK });
    } catch {
      // the process ended between readdir and read
    }
  }
  return m;
}

let prev = snapshot();
for (let i = 0; i < Number(seconds); i += 1) {
  await new Promise((r) => setTimeout(r, 1000));
  const cur = snapshot();
  const cores = {};
  for (const [pid, v] of cur) cores[v.group] = (cores[v.group] ?? 0) + Math.max(0, v.cpu - (prev.get(pid)?.cpu ?? v.cpu));
  prev = cur;
  for (const k of Object.keys(cores)) cores[k] = Number(cores[k].toFixed(2));
  appendFileSync(out, `${new Date().toISOString().slice(11, 19)} ${JSON.stringify(cores)}\n`);
}
