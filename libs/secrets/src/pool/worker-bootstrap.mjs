// Starts the scan worker from TypeScript sources (tests, runs with `--conditions=@portcullis/source`).
// Maps the `.js` specifiers our sources use to their `.ts` files, resolves workspace libraries to
// their sources, and compiles TypeScript with Node's own transformer (transform mode, so parameter
// properties work too). Built code never comes here: it runs dist/pool/scan-worker.js directly.
import { readFileSync } from 'node:fs';
import { registerHooks, stripTypeScriptTypes } from 'node:module';
import { fileURLToPath } from 'node:url';

registerHooks({
  resolve(specifier, context, nextResolve) {
    const conditions = [...(context.conditions ?? []), '@portcullis/source'];
    try {
      return nextResolve(specifier, { ...context, conditions });
    } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, { ...context, conditions });
      }
      throw error;
    }
  },
  load(url, context, nextLoad) {
    if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
    const source = readFileSync(fileURLToPath(url), 'utf8');
    return { format: 'module', source: stripTypeScriptTypes(source, { mode: 'transform', sourceUrl: url }), shortCircuit: true };
  },
});

const worker = await import('./scan-worker.ts');
export const scanTask = worker.scanTask;
export const scanBatchTask = worker.scanBatchTask;
