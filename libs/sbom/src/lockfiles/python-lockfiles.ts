import { parse as parseToml } from 'smol-toml';
import { assertBracketDepth, type PackageCollector, unparsable } from './lockfile-bounds.js';
import type { LockfileLimits } from './lockfile.model.js';

/** PEP 508 name (with optional extras) and the rest of the requirement. */
const REQUIREMENT = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(.*)$/;
/** `==1.2.3` / `===1.2.3` exactly, no wildcard. */
const PINNED = /^===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)$/;

/**
 * requirements*.txt (pip's format). Only `name==version` (or `===`) is pinned; ranges and bare
 * names are reported unpinned (no resolution, least of all over the network); `-r`/`-c` includes
 * are reported and never followed; URLs, paths and `-e` are not registry packages. Environment
 * markers and `--hash` options do not change the pin.
 */
export function readRequirementsTxt(text: string, _limits: LockfileLimits, into: PackageCollector): void {
  for (const line of logicalLines(text)) {
    if (line === '') continue;
    if (line.startsWith('-')) {
      const option = /^(-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)/.exec(line);
      if (option) into.unpinnedDependency(`${option[1]} ${option[2]}`, 'include');
      else if (/^(-e|--editable)\b/.test(line)) into.unpinnedDependency(line, 'not-a-registry-package');
      continue; // --index-url and other options: ignored, never contacted
    }
    const requirement = line.split(';')[0]!.replace(/\s--hash[= ]\S+/g, '').trim();
    if (/^[a-z+]+:\/\/|^[./]|\s@\s/i.test(requirement)) {
      into.unpinnedDependency(requirement, 'not-a-registry-package');
      continue;
    }
    const m = REQUIREMENT.exec(requirement);
    if (!m) throw unparsable(undefined, 'requirements file');
    const pin = PINNED.exec(m[2]!.trim());
    if (pin && !pin[1]!.includes('*')) into.pinned({ type: 'pypi', name: m[1]!, version: pin[1]! });
    else into.unpinnedDependency(m[1]!, 'range');
  }
}

/** Lines with `\` continuations joined and `#` comments (at the start or after whitespace) removed. */
function* logicalLines(text: string): Generator<string> {
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '');
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    yield (pending + line).trim();
    pending = '';
  }
  if (pending !== '') yield pending.trim();
}

/** poetry.lock (TOML): every `[[package]]` with its `name` and `version`; git/path/url sources are not registry packages. */
export function readPoetryLock(text: string, limits: LockfileLimits, into: PackageCollector): void {
  assertBracketDepth(text, limits);
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text, { maxDepth: limits.maxDepth });
  } catch (error) {
    throw unparsable(error, 'poetry.lock');
  }
  const packages = doc['package'];
  if (packages === undefined) return;
  if (!Array.isArray(packages)) throw unparsable(undefined, 'poetry.lock');
  for (const entry of packages as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { name, version, source } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || typeof version !== 'string' || name === '' || version === '') continue;
    const sourceType = typeof source === 'object' && source !== null ? (source as Record<string, unknown>)['type'] : undefined;
    if (sourceType === 'git' || sourceType === 'directory' || sourceType === 'file' || sourceType === 'url') {
      into.unpinnedDependency(name, 'not-a-registry-package');
      continue;
    }
    into.pinned({ type: 'pypi', name, version });
  }
}
