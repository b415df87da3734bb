import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Folder of the OSV fixture records (real advisories, trimmed to the fields that matter). */
export const OSV_FIXTURE_DIR = join(import.meta.dirname, 'fixtures', 'osv');

/** Fixture files by name, as raw text. */
export function osvFixtureFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(OSV_FIXTURE_DIR).sort()) files[name] = readFileSync(join(OSV_FIXTURE_DIR, name), 'utf8');
  return files;
}
