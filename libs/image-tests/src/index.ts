export {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_READ_BYTES,
  ImageTestsSection,
  MAX_COMMAND_TIMEOUT_MS,
  MAX_COMMANDS,
  MAX_FILE_CHECKS,
  MAX_GLOBS,
  MAX_PATTERNS_PER_LIST,
  MAX_READ_BYTES,
  resolveImageTests,
  type CommandSpec,
  type ContentSpec,
  type FileCheckSpec,
  type ImageTestSpec,
  type ImageTestSpecResolution,
  type ImageTestsSectionInput,
  type MetadataSpec,
  type OutputExpectationSpec,
} from './image-tests.schema.js';
export { compileGlob, compilePattern, MAX_GLOB_LENGTH, MAX_PATTERN_LENGTH, normalisePath, type CompiledGlob, type CompiledPattern } from './patterns.js';
export { FORBIDDEN_PRESET_NAMES, FORBIDDEN_PRESETS, type ForbiddenPreset, type ForbiddenPresetName } from './presets.js';
export { isRootUser, type ImageConfig } from './image-config.js';
export type { FsEntry, FsEntryType, ImageFileSystem } from './image-file-system.js';
export { evaluateMetadata, type EnvSecretScanner, type EvaluateMetadataOptions } from './evaluate-metadata.js';
export { evaluateContent, MAX_ENTRIES, MAX_TOTAL_READ_BYTES } from './evaluate-content.js';
export {
  isNotRun,
  MAX_OUTPUT_BYTES,
  truncateUtf8,
  type CommandCompleted,
  type CommandNotRun,
  type CommandRunner,
  type CommandRunOutcome,
  type CommandRunRequest,
} from './command-runner.port.js';
export { runCommandTests } from './run-command-tests.js';
export { runImageTests, type ImageTestReport, type ImageUnderTest } from './run-image-tests.js';
export { MAX_REASON_LENGTH, summarize, type ImageTestKind, type ImageTestResult, type ImageTestStatus, type ImageTestSummary, type ImageTestVerdict } from './results.js';
