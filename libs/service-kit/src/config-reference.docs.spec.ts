import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_DOC_PATH, CONFIG_DOCS_COMMAND } from './config-reference.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const TIMEOUT_MS = 180_000;

// docs/configuration.md is rendered from the apps' config schemas by tools/generators/config-docs.mjs;
// this fails CI when a variable changes without the docs being regenerated. The generator imports
// the build output (a library may not import apps), so the workspace is built first.
describe(CONFIG_DOC_PATH, () => {
  beforeAll(async () => {
    await run(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], {
      cwd: root,
      timeout: TIMEOUT_MS,
    });
  }, TIMEOUT_MS);

  it(
    `matches the config schemas (run \`${CONFIG_DOCS_COMMAND}\` when this fails)`,
    async () => {
      const result = await run(process.execPath, ['tools/generators/config-docs.mjs', '--check'], { cwd: root }).then(
        ({ stdout }) => ({ code: 0, output: stdout }),
        (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
      );
      expect(result.output).not.toContain('stale:');
      expect(result.code).toBe(0);
    },
    TIMEOUT_MS,
  );
});
