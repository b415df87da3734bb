import type { RuleSetOptions } from '../rules/rule-set.js';

/** What a worker thread is started with; structured-clone safe. */
export interface WorkerOptions {
  readonly fingerprintKey: Uint8Array;
  readonly rules?: RuleSetOptions;
  readonly maxFileBytes?: number;
  readonly fileTimeBudgetMs?: number;
  readonly manifests: boolean;
}
