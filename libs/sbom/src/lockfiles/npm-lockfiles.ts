import { parse as parseYaml } from 'yaml';
import { parseSyml } from '@yarnpkg/parsers';
import { parseNpmLockfile } from '../catalogers/npm.js';
import { assertBracketDepth, assertIndentDepth, type PackageCollector, unparsable } from './lockfile-bounds.js';
import type { LockfileLimits } from './lockfile.model.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** npm's own package-lock.json / npm-shrinkwrap.json: the image cataloguer's parser (v1, v2, v3). */
export function readPackageLock(text: string, limits: LockfileLimits, into: PackageCollector): void {
  assertBracketDepth(text, limits);
  let records;
  try {
    records = parseNpmLockfile(text);
  } catch (error) {
    throw unparsable(error, 'package-lock.json');
  }
  for (const record of records) into.pinned(record);
}

/**
 * yarn.lock, classic (v1, yarn's own indented syntax) and Berry (v2+, YAML), both through
 * `@yarnpkg/parsers` — the parser yarn itself uses. Keys list the descriptors one resolution
 * serves (`"lodash@^4.17.0, lodash@npm:^4.17.21"`); the name is the first descriptor's up to its
 * range. Workspaces, links and portals are the project's own code.
 */
export function readYarnLock(text: string, limits: LockfileLimits, into: PackageCollector): void {
  assertIndentDepth(text, limits);
  assertBracketDepth(text, limits);
  let entries: Json;
  try {
    entries = parseSyml(text);
  } catch (error) {
    throw unparsable(error, 'yarn.lock');
  }
  for (const [key, value] of Object.entries(entries)) {
    if (key === '__metadata' || !isObject(value)) continue;
    const descriptor = key.split(',')[0]!.trim().replace(/^"|"$/g, '');
    const at = descriptor.indexOf('@', 1);
    const version = value['version'];
    if (at <= 0 || typeof version !== 'string' || version === '') continue;
    const name = descriptor.slice(0, at);
    const range = descriptor.slice(at + 1);
    if (/^(workspace|link|portal|file|git|github|https?):/.test(range) || value['linkType'] === 'soft' || version === '0.0.0-use.local') {
      into.unpinnedDependency(name, 'not-a-registry-package');
      continue;
    }
    into.pinned({ type: 'npm', name, version });
  }
}

/**
 * pnpm-lock.yaml, lockfile v5 (`/name/1.2.3`), v6 (`/name@1.2.3(peer@x)`) and v9 (`name@1.2.3`
 * under `packages:`). Peer suffixes are dropped; a non-registry resolution (tarball, directory,
 * git) is reported unpinned.
 */
export function readPnpmLock(text: string, limits: LockfileLimits, into: PackageCollector): void {
  assertIndentDepth(text, limits);
  assertBracketDepth(text, limits);
  let doc: unknown;
  try {
    // `yaml` caps alias expansion (maxAliasCount 100 by default): no billion laughs.
    doc = parseYaml(text, { maxAliasCount: 100, uniqueKeys: false });
  } catch (error) {
    throw unparsable(error, 'pnpm-lock.yaml');
  }
  if (!isObject(doc)) throw unparsable(undefined, 'pnpm-lock.yaml');
  const packages = doc['packages'];
  if (packages === undefined || packages === null) return;
  if (!isObject(packages)) throw unparsable(undefined, 'pnpm-lock.yaml');
  const v5 = /^5\./.test(String(doc['lockfileVersion'] ?? ''));
  for (const [key, value] of Object.entries(packages)) {
    const parsed = pnpmKey(key, v5);
    if (!parsed) continue;
    const explicit = isObject(value) && typeof value['version'] === 'string' ? value['version'] : undefined;
    const name = isObject(value) && typeof value['name'] === 'string' ? value['name'] : parsed.name;
    const version = explicit ?? parsed.version;
    if (!/^\d/.test(version)) {
      into.unpinnedDependency(name, 'not-a-registry-package');
      continue;
    }
    into.pinned({ type: 'npm', name, version });
  }
}

function pnpmKey(key: string, v5: boolean): { name: string; version: string } | undefined {
  let spec = key.startsWith('/') ? key.slice(1) : key;
  const paren = spec.indexOf('(');
  if (paren > 0) spec = spec.slice(0, paren);
  if (v5) {
    const slash = spec.lastIndexOf('/');
    if (slash <= 0) return undefined;
    const version = spec.slice(slash + 1).split('_')[0]!;
    return { name: spec.slice(0, slash), version };
  }
  const at = spec.lastIndexOf('@');
  if (at <= 0) return undefined;
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}
