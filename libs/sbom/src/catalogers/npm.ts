import type { PackageRecord } from '../model.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** An installed package: `…/node_modules/<name>/package.json`. */
export function parseInstalledPackageJson(text: string): PackageRecord[] {
  const json: unknown = JSON.parse(text);
  if (!isObject(json)) return [];
  const name = str(json['name']);
  const version = str(json['version']);
  if (!name || !version) return [];
  const license = licenseOf(json['license']);
  return [{ type: 'npm', name, version, ...(license ? { license } : {}) }];
}

/**
 * `package-lock.json` / `npm-shrinkwrap.json`. v2 and v3 list every installed package under
 * `packages` keyed by its `node_modules/…` path (the `""` key is the project itself); v1 nests
 * `dependencies`. Links (workspaces) are the project's own code, not dependencies.
 */
export function parseNpmLockfile(text: string): PackageRecord[] {
  const json: unknown = JSON.parse(text);
  if (!isObject(json)) return [];
  const packages: PackageRecord[] = [];
  if (isObject(json['packages'])) {
    for (const [key, value] of Object.entries(json['packages'])) {
      if (key === '' || !isObject(value) || value['link'] === true) continue;
      const marker = key.lastIndexOf('node_modules/');
      if (marker < 0) continue; // a workspace folder, not an installed package
      const name = str(value['name']) ?? key.slice(marker + 'node_modules/'.length);
      const version = str(value['version']);
      if (!version) continue;
      const license = licenseOf(value['license']);
      packages.push({ type: 'npm', name, version, ...(license ? { license } : {}) });
    }
    return packages;
  }
  collectV1(json['dependencies'], packages, 0);
  return packages;
}

function collectV1(dependencies: unknown, into: PackageRecord[], depth: number): void {
  // Lockfiles nest one level per conflicting copy; real ones stay shallow, crafted ones need not.
  if (!isObject(dependencies) || depth > 64) return;
  for (const [name, value] of Object.entries(dependencies)) {
    if (!isObject(value)) continue;
    const version = str(value['version']);
    if (version && !version.startsWith('file:') && !version.startsWith('link:')) into.push({ type: 'npm', name, version });
    collectV1(value['dependencies'], into, depth + 1);
  }
}

function licenseOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (isObject(value)) return str(value['type']);
  return undefined;
}
