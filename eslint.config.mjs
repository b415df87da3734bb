import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import js from '@eslint/js';
import globals from 'globals';

// Module boundaries on two axes (see shared/design/CONVENTIONS.md §3):
//   scope:<service>|shared  — a service's code never reaches into another service.
//   type:*                  — apps → infra/engine/contracts/util; infra → contracts/util/infra; …
const typeRules = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:infra', 'type:engine', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:engine', onlyDependOnLibsWithTags: ['type:engine', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:infra', 'type:engine', 'type:contracts', 'type:util', 'type:testing'] },
];
const scopeRules = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  ...['webhook-intake', 'secret-auditor', 'image-scanner', 'deploy-orchestrator', 'notifier', 'cli'].map((s) => ({
    sourceTag: `scope:${s}`,
    onlyDependOnLibsWithTags: [`scope:${s}`, 'scope:shared'],
  })),
];
const boundaries = (allowTesting) => ({
  '@nx/enforce-module-boundaries': [
    'error',
    {
      enforceBuildableLibDependency: false,
      banTransitiveDependencies: true,
      depConstraints: [
        ...typeRules.map((r) =>
          allowTesting ? { ...r, onlyDependOnLibsWithTags: [...r.onlyDependOnLibsWithTags, 'type:testing'] } : r,
        ),
        ...scopeRules,
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/out-tsc/**', '**/node_modules/**', '.cache/**', '.stack/**', '.nx/**', '.reports/**', '**/*.js'] },
  js.configs.recommended,
  // Plain ESM scripts (generators, benchmarks, test fixtures) run on Node directly.
  { files: ['**/*.mjs'], languageOptions: { globals: globals.node } },
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      ...boundaries(false),
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['kafkajs'], message: 'Only libs/messaging imports kafkajs.' },
            { group: ['ioredis'], message: 'Only libs/state imports ioredis.' },
            { group: ['@portcullis/*/src/*', '../../libs/*', '../../../libs/*'], message: "Import a library through its entry point." },
          ],
        },
      ],
    },
  },
  { files: ['libs/messaging/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
  { files: ['libs/state/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
  // Test code: specs and the helpers in a project's test/ folder (never part of a build).
  { files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.ts', 'libs/testing/**/*.ts'], rules: boundaries(true) },
  { files: ['vitest.config.ts'], rules: { 'no-restricted-syntax': 'off' } },
);
