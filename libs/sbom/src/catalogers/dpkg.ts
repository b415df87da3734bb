import type { PackageRecord } from '../model.js';

/**
 * dpkg's database: `var/lib/dpkg/status` (RFC 822-like stanzas separated by blank lines) and, in
 * distroless images, one stanza per file in `var/lib/dpkg/status.d/`. Continuation lines (leading
 * space) belong to the previous field; only the fields we report are read.
 */
/** Package states in which its files are on disk (dpkg(1) "package states"). */
const INSTALLED_STATES = new Set(['installed', 'triggers-awaited', 'triggers-pending']);

export function parseDpkgStatus(text: string, options: { requireInstalled: boolean }): PackageRecord[] {
  const packages: PackageRecord[] = [];
  for (const stanza of text.split(/\r?\n[ \t]*\r?\n/)) {
    const fields = parseStanza(stanza);
    const name = fields.get('package');
    const version = fields.get('version');
    if (!name || !version) continue;
    // status.d files of distroless images carry no Status field; the main status file lists
    // removed-but-not-purged packages too, which are not installed.
    const status = fields.get('status');
    if (status !== undefined ? !INSTALLED_STATES.has(status.split(/\s+/).pop() ?? '') : options.requireInstalled) continue;
    const source = parseSource(fields.get('source'));
    packages.push({
      type: 'deb',
      name,
      version,
      ...(source && source.name !== name ? { sourceName: source.name } : {}),
      ...(source?.version && source.version !== version ? { sourceVersion: source.version } : {}),
      ...(fields.get('architecture') ? { arch: fields.get('architecture') } : {}),
    });
  }
  return packages;
}

function parseStanza(stanza: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of stanza.split(/\r?\n/)) {
    if (line === '' || line.startsWith(' ') || line.startsWith('\t') || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return fields;
}

/** `openssl (3.0.11-1)` → name and version; `openssl` → name only. */
function parseSource(value: string | undefined): { name: string; version?: string } | undefined {
  if (!value) return undefined;
  const match = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(value);
  if (!match?.[1]) return undefined;
  return match[2] ? { name: match[1], version: match[2].trim() } : { name: match[1] };
}
