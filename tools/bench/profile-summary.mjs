#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof, or a bench's --profile option) as text:
// self time by function, self time by origin (package / workspace library / node internals / GC),
// and inclusive time of the functions whose name matches --focus.
//   node tools/bench/profile-summary.mjs FILE.cpuprofile [--top 30] [--focus 'findProcessed|safeParse']
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '30' },
    focus: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help || positionals.length !== 1) {
  process.stdout.write('Usage: node tools/bench/profile-summary.mjs FILE.cpuprofile [--top N] [--focus REGEX]\n');
  process.exit(values.help ? 0 : 2);
}

const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const top = Number(values.top);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** Where a frame's code lives: an npm package, a workspace library, node itself, or V8. */
function originOf(frame) {
  const url = frame.url ?? '';
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native/V8)';
  if (url.startsWith('node:')) return 'node:internal';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const lib = /\/(libs|apps|tools)\/([^/]+)\//.exec(url);
  if (lib) return `${lib[1]}/${lib[2]}`;
  return url;
}
const short = (url) => url.replace(/^file:\/\//, '').replace(/.*node_modules\//, '').replace(/.*\/work\/main\//, '');
const labelOf = (frame) => `${frame.functionName || '(anonymous)'} ${short(frame.url ?? '')}:${frame.lineNumber + 1}`;

// Sample durations: timeDeltas[i] is the time before sample i; attribute it to sample i.
const total = profile.endTime - profile.startTime;
const selfByNode = new Map();
const samples = profile.samples ?? [];
const deltas = profile.timeDeltas ?? [];
for (let i = 0; i < samples.length; i += 1) selfByNode.set(samples[i], (selfByNode.get(samples[i]) ?? 0) + (deltas[i] ?? 0));

const selfByFn = new Map();
const selfByOrigin = new Map();
for (const [id, us] of selfByNode) {
  const frame = byId.get(id).callFrame;
  const label = labelOf(frame);
  selfByFn.set(label, (selfByFn.get(label) ?? 0) + us);
  const origin = originOf(frame);
  selfByOrigin.set(origin, (selfByOrigin.get(origin) ?? 0) + us);
}

const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const print = (title, map, n) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) process.stdout.write(`${ms(v)} ${pct(v)}  ${k}\n`);
};

const idle = selfByFn.get(labelOf({ functionName: '(idle)', url: '', lineNumber: -1 })) ?? 0;
process.stdout.write(`${positionals[0]}: ${(total / 1000).toFixed(0)} ms wall, ${((total - idle) / 1000).toFixed(0)} ms busy (${pct(total - idle).trim()})\n`);
print('self time by origin', selfByOrigin, top);
print('self time by function', selfByFn, top);

if (values.focus) {
  // Inclusive: a sample counts once for every distinct matching function on its stack.
  const focus = new RegExp(values.focus);
  const inclusive = new Map();
  for (let i = 0; i < samples.length; i += 1) {
    const seen = new Set();
    for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id).callFrame;
      if (!focus.test(frame.functionName)) continue;
      const label = labelOf(frame);
      if (seen.has(label)) continue;
      seen.add(label);
      inclusive.set(label, (inclusive.get(label) ?? 0) + (deltas[i] ?? 0));
    }
  }
  print(`inclusive time of functions matching /${values.focus}/`, inclusive, top);
}
