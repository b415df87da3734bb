import { type z } from 'zod';
import {
  boolParser,
  durationParser,
  enumParser,
  intParser,
  listParser,
  portParser,
  stringParser,
  urlParser,
} from './value-parsers.js';

/** The kinds of value an environment variable can hold; shown in the generated configuration docs. */
export type VariableType = 'string' | 'int' | 'port' | 'url' | 'bool' | 'duration' | 'list' | 'enum';

/** What every variable declares besides its name and type. */
export interface VariableOptions {
  /** One or two sentences for operators: what it controls, its unit, an example. Rendered into docs. */
  description: string;
  /**
   * Value used when the variable is unset or empty, written as an operator would type it (`'3s'`,
   * `'false'`), so it goes through the same parser and the docs show it verbatim. A function is
   * evaluated at load time (for defaults such as the host name).
   */
  default?: string | (() => string);
  /** How docs show a computed (function) default, e.g. `<hostname>-<pid>`. */
  defaultLabel?: string;
  /** Unset is fine and yields `undefined`. Mutually exclusive with `default`. */
  optional?: boolean;
  /**
   * A secret: never echoed in errors, masked by `maskConfig`, listed by `sensitiveValues` for log
   * scrubbing, and also readable from the file named by `<NAME>_FILE`. Sensitive variables cannot
   * have a default, as that would be a secret committed to the code.
   */
  sensitive?: boolean;
}

/** Options of `envVar.string`. */
export interface StringOptions extends VariableOptions {
  /** The whole value must match this pattern (anchor it). */
  pattern?: RegExp;
}

/** Options of `envVar.int`. */
export interface IntOptions extends VariableOptions {
  /** Smallest accepted value (inclusive). */
  min?: number;
  /** Largest accepted value (inclusive). */
  max?: number;
}

/** Options of `envVar.url`. */
export interface UrlOptions extends VariableOptions {
  /** Accepted schemes without `://`, e.g. `['redis', 'rediss']`. Any scheme when absent. */
  protocols?: readonly string[];
}

/** Options of `envVar.list`. */
export interface ListOptions extends VariableOptions {
  /** Item separator; items are trimmed and empty items dropped. Default `,`. */
  separator?: string;
}

/** `T`, or `T | undefined` when the options say `optional: true`. */
export type VariableValue<T, O extends VariableOptions> = O extends { optional: true } ? T | undefined : T;

/**
 * One environment variable, declared once: name, type, parser, default, docs and sensitivity.
 * Create them with `envVar.*` and group them with `defineConfig`.
 */
export class ConfigVariable<T> {
  /** Carries the value type for inference only; never set at runtime. */
  declare readonly __value: T;

  /** The environment variable's name, e.g. `KAFKA_BROKERS`. */
  readonly name: string;
  /** The kind of value, for docs. */
  readonly type: VariableType;
  /** Operator-facing description. */
  readonly description: string;
  /** See `VariableOptions.sensitive`. */
  readonly sensitive: boolean;
  /** See `VariableOptions.optional`. */
  readonly optional: boolean;
  /** See `VariableOptions.default`. */
  readonly defaultValue: string | (() => string) | undefined;
  /** See `VariableOptions.defaultLabel`. */
  readonly defaultLabel: string | undefined;
  /** The accepted values of an `enum` variable, for docs. */
  readonly allowedValues: readonly string[] | undefined;
  /** Turns the raw text into the typed value. */
  readonly parser: z.ZodType<Exclude<T, undefined>, string>;

  constructor(
    name: string,
    type: VariableType,
    parser: z.ZodType<Exclude<T, undefined>, string>,
    options: VariableOptions,
    allowedValues?: readonly string[],
  ) {
    // Declarations are code, so a bad one is a bug to surface on the first test run, not a ConfigError.
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new TypeError(`config variable name "${name}" must be UPPER_SNAKE_CASE`);
    if (options.optional === true && options.default !== undefined) {
      throw new TypeError(`config variable ${name} cannot be both optional and have a default`);
    }
    if (options.sensitive === true && options.default !== undefined) {
      throw new TypeError(`config variable ${name} is sensitive and must not have a default (a secret in code)`);
    }
    if (options.description.trim() === '') throw new TypeError(`config variable ${name} needs a description`);
    this.name = name;
    this.type = type;
    this.parser = parser;
    this.description = options.description;
    this.sensitive = options.sensitive === true;
    this.optional = options.optional === true;
    this.defaultValue = options.default;
    this.defaultLabel = options.defaultLabel;
    this.allowedValues = allowedValues;
  }

  /** Neither a default nor optional: the service refuses to start without it. */
  get required(): boolean {
    return !this.optional && this.defaultValue === undefined;
  }

  /** The `<NAME>_FILE` companion a sensitive variable may be read from. */
  get fileVariable(): string | undefined {
    return this.sensitive ? `${this.name}_FILE` : undefined;
  }
}

function variable<T, O extends VariableOptions>(
  name: string,
  type: VariableType,
  parser: z.ZodType<T, string>,
  options: O,
  allowedValues?: readonly string[],
): ConfigVariable<VariableValue<T, O>> {
  // The parser yields T; the variable's value type only adds `undefined` for optional ones.
  return new ConfigVariable(name, type, parser as z.ZodType<Exclude<VariableValue<T, O>, undefined>, string>, options, allowedValues);
}

/** Builders for config variables, one per `VariableType`. */
export const envVar = {
  /** Free text (an empty default such as `''` is allowed). */
  string<const O extends StringOptions>(name: string, options: O): ConfigVariable<VariableValue<string, O>> {
    return variable(name, 'string', stringParser(options.pattern), options);
  },
  /** A whole number, optionally bounded. */
  int<const O extends IntOptions>(name: string, options: O): ConfigVariable<VariableValue<number, O>> {
    return variable(name, 'int', intParser(options.min, options.max), options);
  },
  /** A TCP port, 0–65535 (0 = any free port). */
  port<const O extends VariableOptions>(name: string, options: O): ConfigVariable<VariableValue<number, O>> {
    return variable(name, 'port', portParser(), options);
  },
  /** An absolute URL, kept as its original string. */
  url<const O extends UrlOptions>(name: string, options: O): ConfigVariable<VariableValue<string, O>> {
    return variable(name, 'url', urlParser(options.protocols), options);
  },
  /** true/false, 1/0, yes/no, on/off (any case). */
  bool<const O extends VariableOptions>(name: string, options: O): ConfigVariable<VariableValue<boolean, O>> {
    return variable(name, 'bool', boolParser(), options);
  },
  /** A duration such as `500ms`, `30s`, `1h30m`; the value is in milliseconds. */
  duration<const O extends VariableOptions>(name: string, options: O): ConfigVariable<VariableValue<number, O>> {
    return variable(name, 'duration', durationParser(), options);
  },
  /** A separated list; a required list (no default) needs at least one item. */
  list<const O extends ListOptions>(name: string, options: O): ConfigVariable<VariableValue<readonly string[], O>> {
    const required = options.optional !== true && options.default === undefined;
    return variable(name, 'list', listParser(required ? 1 : 0, options.separator), options);
  },
  /** One of a fixed set of values, matched case-insensitively and returned in its declared spelling. */
  enum<const V extends string, const O extends VariableOptions>(
    name: string,
    values: readonly [V, ...V[]],
    options: O,
  ): ConfigVariable<VariableValue<V, O>> {
    return variable(name, 'enum', enumParser(values), options, values);
  },
};
