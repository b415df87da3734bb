#!/usr/bin/env node
// Creates (or completes) the boilerplate of one Nx project so every project has the same shape:
// package.json with the source condition, project.json with tags and targets, and the three
// tsconfig files (editor/lint, build, spec). Existing files are left alone unless --force.
//   node tools/generators/scaffold-project.mjs <apps|libs>/<name> --type <type> --scope <scope> [--deps a,b] [--force]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    type: { type: 'string' },
    scope: { type: 'string', default: 'shared' },
    deps: { type: 'string', default: '' },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help || positionals.length !== 1 || !values.type) {
  console.error('usage: scaffold-project.mjs <apps|libs>/<name> --type <app|contracts|engine|infra|util|testing> [--scope <scope>] [--deps a,b] [--force]');
  process.exit(values.help ? 0 : 2);
}
const root = positionals[0].replace(/\/$/, '');
const name = root.split('/').pop();
const isApp = values.type === 'app';
const deps = values.deps.split(',').filter(Boolean);
const rel = relative(root, '.') || '.';

const write = (file, content) => {
  const path = join(root, file);
  if (existsSync(path) && !values.force) return;
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  console.log(`wrote ${path}`);
};

const entry = isApp ? 'main' : 'index';
write('package.json', {
  name: `@portcullis/${name}`,
  version: '0.1.0',
  private: true,
  type: 'module',
  ...(isApp
    ? { main: './dist/main.js' }
    : {
        exports: {
          '.': { '@portcullis/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
        },
      }),
  dependencies: Object.fromEntries(deps.map((d) => [`@portcullis/${d}`, '*'])),
});

const vitest = (tier) =>
  `vitest run --project ${tier} --passWithNoTests --reporter=default --reporter=json --outputFile=.reports/${tier}/${name}.json ${root}/`;
write('project.json', {
  name,
  $schema: `${rel}/node_modules/nx/schemas/project-schema.json`,
  sourceRoot: `${root}/src`,
  projectType: isApp ? 'application' : 'library',
  tags: [`scope:${values.scope}`, `type:${values.type}`],
  targets: {
    build: { executor: 'nx:run-commands', options: { command: `tsc -b ${root}/tsconfig.lib.json` } },
    typecheck: { executor: 'nx:run-commands', options: { command: `tsc -b ${root}/tsconfig.spec.json` } },
    lint: { executor: 'nx:run-commands', options: { command: `eslint --max-warnings=0 ${root}` } },
    test: { executor: 'nx:run-commands', options: { command: vitest('unit') } },
    'int-test': { executor: 'nx:run-commands', options: { command: vitest('int') } },
  },
});

const refs = (suffix) => deps.map((d) => ({ path: `${rel}/libs/${d}/tsconfig.${suffix}.json` }));
write('tsconfig.json', {
  extends: `${rel}/tsconfig.base.json`,
  compilerOptions: { composite: false, incremental: false, noEmit: true },
  include: ['src/**/*.ts', 'test/**/*.ts'],
});
write('tsconfig.lib.json', {
  extends: `${rel}/tsconfig.base.json`,
  compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo' },
  include: ['src/**/*.ts'],
  exclude: ['src/**/*.spec.ts', 'src/**/*.int-spec.ts'],
  references: refs('lib'),
});
write('tsconfig.spec.json', {
  extends: `${rel}/tsconfig.base.json`,
  compilerOptions: {
    rootDir: '.',
    outDir: 'out-tsc/spec',
    emitDeclarationOnly: true,
    tsBuildInfoFile: 'out-tsc/spec/tsconfig.spec.tsbuildinfo',
    types: ['node', 'vitest/globals'],
  },
  include: ['src/**/*.spec.ts', 'src/**/*.int-spec.ts', 'test/**/*.ts'],
  // Specs may use the shared test helpers; libs/testing itself cannot reference itself.
  references: [{ path: './tsconfig.lib.json' }, ...refs('lib'), ...(name === 'testing' ? [] : [{ path: `${rel}/libs/testing/tsconfig.lib.json` }])],
});
write(`src/${entry}.ts`, isApp ? `export {};\n` : `export {};\n`);
write('README.md', `# @portcullis/${name}\n\nTODO: what this ${isApp ? 'service' : 'library'} is for, and one example.\n`);
