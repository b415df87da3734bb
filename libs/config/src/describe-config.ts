import { type ConfigSchema, variablesOf } from './config-schema.js';
import { type VariableType } from './config-variable.js';

/** One row of the generated configuration reference (docs/configuration.md). */
export interface ConfigVariableDescription {
  /** Environment variable name. */
  readonly name: string;
  /** Kind of value. */
  readonly type: VariableType;
  /** Accepted values of an `enum`; undefined for other types. */
  readonly allowedValues: readonly string[] | undefined;
  /** The default as an operator would type it (or a label for a computed one); undefined when none. */
  readonly default: string | undefined;
  /** The service refuses to start without it. */
  readonly required: boolean;
  /** A secret: masked everywhere, also accepted from a file. */
  readonly sensitive: boolean;
  /** The `<NAME>_FILE` variable that may hold a path to the value instead; only for sensitive ones. */
  readonly fileVariable: string | undefined;
  /** What it controls. */
  readonly description: string;
}

/** Every variable of a schema, in declaration order, for generated docs and `--help` output. */
export function describeConfigVariables(schema: ConfigSchema<unknown>): ConfigVariableDescription[] {
  const rows = new Map<string, ConfigVariableDescription>();
  for (const { variable } of variablesOf(schema.shape)) {
    if (rows.has(variable.name)) continue;
    const computed = typeof variable.defaultValue === 'function';
    rows.set(variable.name, {
      name: variable.name,
      type: variable.type,
      allowedValues: variable.allowedValues,
      default: computed ? (variable.defaultLabel ?? '(computed at start-up)') : (variable.defaultValue as string | undefined),
      required: variable.required,
      sensitive: variable.sensitive,
      fileVariable: variable.fileVariable,
      description: variable.description,
    });
  }
  return [...rows.values()];
}
