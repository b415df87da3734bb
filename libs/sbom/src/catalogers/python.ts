import type { PackageRecord } from '../model.js';

/**
 * Core metadata (`*.dist-info/METADATA`, `*.egg-info/PKG-INFO`): email-style headers up to the
 * first blank line; the long description after it is not read.
 */
export function parsePythonMetadata(text: string): PackageRecord[] {
  const headerEnd = text.search(/\r?\n\r?\n/);
  const headers = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const values = new Map<string, string>();
  for (const line of headers.split(/\r?\n/)) {
    if (line.startsWith(' ') || line.startsWith('\t')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (!values.has(key)) values.set(key, line.slice(colon + 1).trim());
  }
  const name = values.get('name');
  const version = values.get('version');
  if (!name || !version) return [];
  const license = values.get('license-expression') || values.get('license');
  return [{ type: 'pypi', name, version, ...(license && license !== 'UNKNOWN' && license.length <= 200 ? { license } : {}) }];
}
