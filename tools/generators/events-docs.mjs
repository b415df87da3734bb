#!/usr/bin/env node
// Writes docs/events.md and docs/events/schemas/*.json from libs/contracts.
//   npx tsc -b libs/contracts/tsconfig.lib.json && node tools/generators/events-docs.mjs [--check]
// Runs on the build output: Node strips types from .ts files, but it does not map the `.js`
// specifiers of relative imports (NodeNext style) back to `.ts` sources, so the source condition
// alone cannot load the library. --check writes nothing and exits 1 when a file is stale.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EVENT_SCHEMAS_DIR, renderEventsDocFiles } from '@portcullis/contracts';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
const root = resolve(import.meta.dirname, '../..');
const files = renderEventsDocFiles();
const read = (path) => {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return undefined;
  }
};
const existingSchemas = () => {
  try {
    return readdirSync(join(root, EVENT_SCHEMAS_DIR)).map((f) => `${EVENT_SCHEMAS_DIR}/${f}`);
  } catch {
    return [];
  }
};

const stale = Object.entries(files)
  .filter(([path, content]) => read(path) !== content)
  .map(([path]) => path);
const orphans = existingSchemas().filter((path) => !(path in files));

if (values.check) {
  for (const path of [...stale, ...orphans]) console.error(`stale: ${path}`);
  if (stale.length + orphans.length > 0) {
    console.error('run: npm run events:docs');
    process.exit(1);
  }
  console.log(`events docs up to date (${Object.keys(files).length} files)`);
} else {
  // Schemas of removed kinds must disappear with them.
  for (const path of orphans) rmSync(join(root, path));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  console.log(`wrote ${Object.keys(files).length} files (${stale.length} changed, ${orphans.length} removed)`);
}
