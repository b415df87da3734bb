export * from './model.js';
export { SecretsConfigError, type SecretsConfigErrorCode } from './errors.js';
export { createSecretScanner, type SecretScannerOptions } from './secret-scanner.js';
export {
  createScanEngine,
  DEFAULT_FILE_TIME_BUDGET_MS,
  DEFAULT_MAX_FILE_BYTES,
  type ManifestAnalyser,
  type ScanEngine,
  type ScanEngineOptions,
} from './engine/scan-engine.js';
export { loadManifestAnalyser } from './manifest-hook.js';
export { buildRuleSet, compileDefinition, type RuleSet, type RuleSetOptions } from './rules/rule-set.js';
export { DEFAULT_RULES, type RuleDefinition } from './rules/default-rules.js';
export { loadGitleaksConfig, type GitleaksConfigSource, type LoadedGitleaksConfig } from './rules/gitleaks-config.js';
export type { Allowlist, CompiledRule, MatchDetails, RegexTarget } from './rules/rule.js';
export { KeywordAutomaton } from './engine/keyword-automaton.js';
export { shannonEntropy } from './engine/entropy.js';
export { isPlaceholder } from './engine/placeholders.js';
export { BINARY_PROBE_BYTES, looksBinary } from './engine/binary-probe.js';
export { fingerprintOf, maskSecret, MAX_PREVIEW_LENGTH } from './engine/redaction.js';
export { nativePattern, re2Pattern, type Pattern, type PatternMatch } from './engine/pattern.js';
export { ChangeSetScan, mergeManifest, type AttributedFinding, type ChangeSetScanOptions, type PendingLineFinding, type ScannableChange } from './change-set-scan.js';
export {
  defaultSecretsPolicy,
  endOfDayIfDate,
  isIgnoredPath,
  resolveSecretsPolicy,
  SecretsPolicySection,
  suppressionFor,
  type PolicyResolution,
  type SecretsPolicy,
  type Suppression,
} from './policy/secrets-policy.js';
