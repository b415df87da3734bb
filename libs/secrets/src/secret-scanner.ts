import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { SecretsConfigError } from './errors.js';
import { createScanEngine, type ScanEngine, type ScanEngineOptions } from './engine/scan-engine.js';
import { loadManifestAnalyser } from './manifest-hook.js';
import type { FileScanResult, ScanInput, SecretScanner } from './model.js';
import type { WorkerOptions } from './pool/worker-options.js';
import { buildRuleSet } from './rules/rule-set.js';

export interface SecretScannerOptions extends Omit<ScanEngineOptions, 'manifestAnalyser'> {
  /** Worker threads. Default: the machine's available parallelism. 0 = scan in this thread (tests, small inputs). */
  readonly workers?: number;
  /** Run the Kubernetes manifest analyser on YAML/JSON files that look like manifests. Default true. */
  readonly manifests?: boolean;
}

/** Environment variables that make the `yaml` package log what it parses. */
const YAML_DEBUG_VARIABLES = ['LOG_TOKENS', 'LOG_STREAM'] as const;

/**
 * The engine's entry point: a `SecretScanner` that scans files in a worker-thread pool (or in this
 * thread with `workers: 0`). Rule-set and option errors throw here, synchronously, as
 * `SecretsConfigError`; each worker then rebuilds the same rule set from the same options.
 */
export function createSecretScanner(options: SecretScannerOptions, env: Readonly<Record<string, string | undefined>> = process.env): SecretScanner {
  // The `yaml` parser the manifest analyser uses prints every token it reads (secret values
  // included) to stdout when one of these is set: a debugging aid that would leak into logs.
  const leaky = YAML_DEBUG_VARIABLES.filter((name) => env[name] !== undefined && env[name] !== '');
  if (leaky.length > 0) {
    throw new SecretsConfigError('INVALID_OPTIONS', `${leaky.join(' and ')} must not be set: the YAML parser would print scanned values`);
  }
  if (!(options.fingerprintKey instanceof Uint8Array) || options.fingerprintKey.byteLength < 16) {
    throw new SecretsConfigError('INVALID_OPTIONS', 'fingerprintKey must be at least 16 bytes');
  }
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 0) throw new SecretsConfigError('INVALID_OPTIONS', 'workers must be a non-negative integer');
  buildRuleSet(options.rules);
  const manifests = options.manifests ?? true;
  const workerOptions: WorkerOptions = {
    fingerprintKey: Uint8Array.from(options.fingerprintKey),
    ...(options.rules === undefined ? {} : { rules: options.rules }),
    ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }),
    ...(options.fileTimeBudgetMs === undefined ? {} : { fileTimeBudgetMs: options.fileTimeBudgetMs }),
    manifests,
  };
  return workers === 0 ? inProcessScanner(workerOptions) : pooledScanner(workerOptions, workers);
}

function inProcessScanner(options: WorkerOptions): SecretScanner {
  let engine: Promise<ScanEngine> | undefined;
  const ready = (): Promise<ScanEngine> =>
    (engine ??= (options.manifests ? loadManifestAnalyser() : Promise.resolve(undefined)).then((manifestAnalyser) =>
      createScanEngine({ ...options, ...(manifestAnalyser ? { manifestAnalyser } : {}) }),
    ));
  return {
    scan: async (input: ScanInput): Promise<FileScanResult> => (await ready()).scan(input),
    close: async (): Promise<void> => {},
  };
}

/** Files queued in the same tick are sent to a worker together, up to these limits. */
const BATCH_MAX_FILES = 64;
const BATCH_MAX_BYTES = 1024 * 1024;

interface Pending {
  readonly input: ScanInput;
  readonly resolve: (result: FileScanResult) => void;
  readonly reject: (error: unknown) => void;
}

function pooledScanner(options: WorkerOptions, workers: number): SecretScanner {
  const pool = new Piscina({
    filename: workerFilename(),
    name: 'scanTask',
    minThreads: workers,
    maxThreads: workers,
    workerData: options,
  });
  // A message round trip costs about as much as scanning a small file, so files queued together
  // travel together; a large file goes alone.
  let batch: Pending[] = [];
  let batchBytes = 0;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const sent = batch;
    batch = [];
    batchBytes = 0;
    if (sent.length === 0) return;
    pool.run(sent.map((p) => p.input), { name: 'scanBatchTask' }).then(
      (results: FileScanResult[]) => sent.forEach((p, i) => p.resolve(results[i])),
      (error: unknown) => sent.forEach((p) => p.reject(error)),
    );
  };
  return {
    scan: (input: ScanInput): Promise<FileScanResult> => {
      const size = sizeOf(input);
      if (size >= BATCH_MAX_BYTES) return pool.run(input) as Promise<FileScanResult>;
      return new Promise<FileScanResult>((resolve, reject) => {
        batch.push({ input, resolve, reject });
        batchBytes += size;
        if (batch.length >= BATCH_MAX_FILES || batchBytes >= BATCH_MAX_BYTES) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    close: async (): Promise<void> => {
      flush();
      await pool.close();
    },
  };
}

function sizeOf(input: ScanInput): number {
  if ('lines' in input) return input.lines.reduce((n, l) => n + l.text.length, 0);
  return typeof input.content === 'string' ? input.content.length : input.content.byteLength;
}

/** Built code runs `pool/scan-worker.js`; from TypeScript sources, a bootstrap that loads the `.ts`. */
function workerFilename(): string {
  const built = fileURLToPath(new URL('./pool/scan-worker.js', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('./pool/worker-bootstrap.mjs', import.meta.url));
}
