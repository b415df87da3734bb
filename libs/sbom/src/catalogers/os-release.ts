import type { Distro } from '../model.js';

/** os-release(5): shell-style `KEY=value` lines, values optionally quoted. */
export function parseOsRelease(text: string): Distro | undefined {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    values.set(line.slice(0, eq), unquote(line.slice(eq + 1)));
  }
  const id = values.get('ID');
  if (!id) return undefined;
  const versionId = values.get('VERSION_ID');
  const prettyName = values.get('PRETTY_NAME');
  return { id: id.toLowerCase(), ...(versionId ? { versionId } : {}), ...(prettyName ? { prettyName } : {}) };
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
    const inner = value.slice(1, -1);
    return quote === '"' ? inner.replace(/\\(["\\$`])/g, '$1') : inner;
  }
  return value;
}
