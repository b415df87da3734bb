import { workerData } from 'node:worker_threads';
import { createScanEngine, type ScanEngine } from '../engine/scan-engine.js';
import { loadManifestAnalyser } from '../manifest-hook.js';
import type { FileScanResult, ScanInput } from '../model.js';
import type { WorkerOptions } from './worker-options.js';

/**
 * Worker-thread entry: rebuilds the rule set from the serialisable options it was started with
 * (compiled regexes cannot cross threads) and scans one file per task.
 */
const options = workerData as WorkerOptions;
const engine: ScanEngine = createScanEngine({
  ...options,
  ...(options.manifests ? { manifestAnalyser: await loadManifestAnalyser() } : {}),
});

/** Piscina task (called by name: the codebase has no default exports). */
export function scanTask(input: ScanInput): FileScanResult {
  return engine.scan(input);
}

/** Several small files in one task: one message round trip instead of one per file. */
export function scanBatchTask(inputs: readonly ScanInput[]): FileScanResult[] {
  return inputs.map((input) => engine.scan(input));
}
