import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// One config, two tiers: `unit` (*.spec.ts, ports mocked, no I/O) and `int` (*.int-spec.ts,
// against the real local stack started by tools/stack). SWC compiles the tests because Nest's
// dependency injection needs `emitDecoratorMetadata`, which esbuild/oxc do not emit.
const root = import.meta.dirname;
const exclude = ['**/node_modules/**', '**/dist/**', '**/out-tsc/**', '.cache/**', '.stack/**'];

export default defineConfig({
  plugins: [swc.vite({ jsc: { target: 'es2023' }, module: { type: 'es6' } })],
  resolve: {
    // Tests run against library sources, not their build output.
    alias: [
      { find: /^@portcullis\/([a-z0-9-]+)$/, replacement: resolve(root, 'libs/$1/src/index.ts') },
      { find: /^@portcullis\/([a-z0-9-]+)\/([a-z0-9-]+)$/, replacement: resolve(root, 'libs/$1/src/$2/index.ts') },
    ],
  },
  test: {
    globals: false,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['{apps,libs,tools}/**/*.spec.ts'], exclude },
      },
      {
        extends: true,
        test: {
          name: 'int',
          globalSetup: ['./vitest.int-global-setup.ts'],
          setupFiles: ['./vitest.int-setup.ts'],
          include: ['{apps,libs,tools}/**/*.int-spec.ts'],
          exclude: [...exclude, '**/*.outage.int-spec.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration files share one Kafka broker and one Redis; each file isolates itself with
          // unique topic/group/key prefixes, so files may still run side by side.
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          // Tests that stop or restart the shared Kafka/Redis: one file at a time, after `int`.
          name: 'int-outage',
          setupFiles: ['./vitest.int-setup.ts'],
          include: ['{apps,libs,tools}/**/*.outage.int-spec.ts'],
          exclude,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
