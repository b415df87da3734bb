import type { PackageRecord } from '../model.js';

/**
 * apk's installed database (`lib/apk/db/installed`): one record per package, separated by blank
 * lines, one `X:value` field per line. `P` name, `V` version, `o` origin (source package), `A`
 * architecture, `L` licence.
 */
export function parseApkInstalled(text: string): PackageRecord[] {
  const packages: PackageRecord[] = [];
  let fields = new Map<string, string>();
  const flush = (): void => {
    const name = fields.get('P');
    const version = fields.get('V');
    if (name && version) {
      const origin = fields.get('o');
      packages.push({
        type: 'apk',
        name,
        version,
        ...(origin && origin !== name ? { sourceName: origin } : {}),
        ...(fields.get('A') ? { arch: fields.get('A') } : {}),
        ...(fields.get('L') ? { license: fields.get('L') } : {}),
      });
    }
    fields = new Map();
  };
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (line.length >= 2 && line[1] === ':') {
      const key = line[0] as string;
      // Only the first occurrence counts: later lines of a record (F:, R:, Z:) repeat per file.
      if (!fields.has(key)) fields.set(key, line.slice(2));
    }
  }
  flush();
  return packages;
}
