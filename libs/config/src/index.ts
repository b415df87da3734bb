export { envVar, ConfigVariable } from './config-variable.js';
export type {
  VariableType,
  VariableOptions,
  StringOptions,
  IntOptions,
  UrlOptions,
  ListOptions,
  VariableValue,
} from './config-variable.js';
export { defineConfig, ConfigSchema } from './config-schema.js';
export type { ConfigShape, ConfigValueOf, InferConfig, ConfigIssue, DefineConfigOptions } from './config-schema.js';
export { loadConfig } from './load-config.js';
export type { Environment } from './load-config.js';
export { ConfigError } from './config-error.js';
export { maskConfig, sensitiveValues, MASK } from './config-masking.js';
export type { MaskedConfig } from './config-masking.js';
export { describeConfigVariables } from './describe-config.js';
export type { ConfigVariableDescription } from './describe-config.js';
export { kafkaConfig, redisConfig, httpConfig, logConfig, serviceIdentity, LOG_LEVELS } from './common-config.js';
export type { HttpConfigOptions, LogLevel } from './common-config.js';
