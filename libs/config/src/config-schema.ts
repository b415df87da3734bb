import { ConfigVariable } from './config-variable.js';

/** A nested object of variables, schemas (reused groups such as `kafkaConfig`) and plain sub-objects. */
export interface ConfigShape {
  readonly [key: string]: ConfigVariable<unknown> | ConfigSchema<unknown> | ConfigShape;
}

/** The typed value a shape entry loads into. */
export type ConfigValueOf<E> =
  E extends ConfigVariable<infer T>
    ? T
    : E extends ConfigSchema<infer T>
      ? T
      : E extends ConfigShape
        ? { readonly [K in keyof E]: ConfigValueOf<E[K]> }
        : never;

/** The typed object `loadConfig` returns for a schema. */
export type InferConfig<S> = S extends ConfigSchema<infer T> ? T : never;

/** A problem with one variable (or a combination of them), as listed in a ConfigError. */
export interface ConfigIssue {
  /** The environment variable to fix, e.g. `KAFKA_BROKERS` or `REDIS_URL_FILE`. */
  readonly variable: string;
  /** Why it is rejected. Never contains the value of a sensitive variable. */
  readonly problem: string;
}

/** Options of `defineConfig`. */
export interface DefineConfigOptions<T> {
  /**
   * Rules across variables (e.g. a SASL mechanism needs a username). Runs only when every
   * variable of this schema parsed, and must not put sensitive values into its problems.
   */
  check?: (config: T) => readonly ConfigIssue[];
}

/** A declared set of variables; load it with `loadConfig`, document it with `describeConfigVariables`. */
export class ConfigSchema<T> {
  /** Carries the value type for inference only; never set at runtime. */
  declare readonly __value: T;

  /** The declaration, in order. */
  readonly shape: ConfigShape;
  // Typed with `never` so that ConfigSchema<{ port: number }> still fits the ConfigSchema<unknown>
  // slots of ConfigShape; it only ever receives this schema's own loaded value.
  private readonly rule: ((config: never) => readonly ConfigIssue[]) | undefined;

  constructor(shape: ConfigShape, options: DefineConfigOptions<T>) {
    this.shape = shape;
    this.rule = options.check;
    assertUniqueNames(shape);
  }

  /** Runs the cross-variable rules of this schema (nested schemas keep their own). */
  checkLoaded(config: T): readonly ConfigIssue[] {
    const check = this.rule as ((config: T) => readonly ConfigIssue[]) | undefined;
    return check?.(config) ?? [];
  }
}

/**
 * Declares a configuration. Keys are the property names code sees; each leaf is an `envVar.*`
 * declaration, and reusable groups (`kafkaConfig`, `httpConfig(…)`) nest as they are.
 *
 * @example
 * const schema = defineConfig({
 *   kafka: kafkaConfig,
 *   maxBodyBytes: envVar.int('MAX_BODY_BYTES', { default: '1048576', description: '…' }),
 * });
 */
export function defineConfig<const S extends ConfigShape>(
  shape: S,
  options: DefineConfigOptions<ConfigValueOf<S>> = {},
): ConfigSchema<ConfigValueOf<S>> {
  return new ConfigSchema<ConfigValueOf<S>>(shape, options);
}

/** Every variable of a shape with the property path it loads into, in declaration order. */
export function variablesOf(shape: ConfigShape): { path: readonly string[]; variable: ConfigVariable<unknown> }[] {
  const out: { path: readonly string[]; variable: ConfigVariable<unknown> }[] = [];
  const walk = (node: ConfigShape, path: readonly string[]): void => {
    for (const [key, entry] of Object.entries(node)) {
      if (entry instanceof ConfigVariable) out.push({ path: [...path, key], variable: entry });
      else walk(entry instanceof ConfigSchema ? entry.shape : entry, [...path, key]);
    }
  };
  walk(shape, []);
  return out;
}

function assertUniqueNames(shape: ConfigShape): void {
  const seen = new Map<string, ConfigVariable<unknown>>();
  for (const { variable } of variablesOf(shape)) {
    const previous = seen.get(variable.name);
    // The same declaration reused in two places is harmless; two declarations of one name are not.
    if (previous !== undefined && previous !== variable) {
      throw new TypeError(`config variable ${variable.name} is declared twice`);
    }
    seen.set(variable.name, variable);
  }
}
