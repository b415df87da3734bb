import type { Distro, PackageRecord } from './model.js';

/**
 * package-url (https://github.com/package-url/purl-spec), canonical form: lower-cased type,
 * percent-encoded segments, qualifiers sorted by key, empty ones left out.
 */
export function purlOf(pkg: PackageRecord, distro: Distro | undefined): string {
  const qualifiers: Record<string, string | undefined> = {};
  let namespace: string | undefined;
  let name = pkg.name;
  switch (pkg.type) {
    case 'deb':
    case 'apk': {
      namespace = distro?.id ?? (pkg.type === 'deb' ? 'debian' : 'alpine');
      qualifiers['arch'] = pkg.arch;
      qualifiers['distro'] = distro ? (distro.versionId ? `${distro.id}-${distro.versionId}` : distro.id) : undefined;
      if (pkg.sourceName) {
        qualifiers['upstream'] = pkg.sourceVersion ? `${pkg.sourceName}@${pkg.sourceVersion}` : pkg.sourceName;
      }
      break;
    }
    case 'npm': {
      // The scope is the namespace: `@babel/core` → `pkg:npm/%40babel/core`.
      const slash = name.indexOf('/');
      if (name.startsWith('@') && slash > 0) {
        namespace = name.slice(0, slash);
        name = name.slice(slash + 1);
      }
      break;
    }
    case 'pypi':
      // The spec's name normalisation for PyPI (PEP 503, with `-`).
      name = name.toLowerCase().replace(/[-_.]+/g, '-');
      break;
    case 'golang': {
      const slash = name.lastIndexOf('/');
      if (slash > 0) {
        namespace = name.slice(0, slash);
        name = name.slice(slash + 1);
      }
      break;
    }
    case 'maven':
      namespace = pkg.namespace;
      break;
  }
  let purl = `pkg:${pkg.type}/`;
  if (namespace) purl += `${namespace.split('/').map(encodeSegment).join('/')}/`;
  purl += encodeSegment(name);
  if (pkg.version) purl += `@${encodeSegment(pkg.version)}`;
  const query = Object.entries(qualifiers)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${encodeQualifier(value)}`)
    .join('&');
  return query ? `${purl}?${query}` : purl;
}

/** Everything but unreserved characters and the few the spec leaves readable (`+`, `~`). */
function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/%2B/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function encodeQualifier(value: string): string {
  return encodeSegment(value).replace(/%2F/g, '/');
}
