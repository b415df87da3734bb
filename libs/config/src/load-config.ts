import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import { rememberSensitiveKeys } from './config-masking.js';
import { type ConfigIssue, ConfigSchema, type ConfigShape, variablesOf } from './config-schema.js';
import { ConfigVariable } from './config-variable.js';

/** The variables to read; apps pass `process.env`, tests pass a literal. */
export type Environment = Readonly<Record<string, string | undefined>>;

type Resolved = { ok: true; value: unknown } | { ok: false };

interface LoadContext {
  readonly env: Environment;
  readonly declared: ReadonlySet<string>;
  readonly issues: ConfigIssue[];
}

/**
 * Reads, validates and types a configuration in one pass. Throws one ConfigError listing every
 * problem; otherwise returns a deeply frozen object whose sensitive fields `maskConfig` and
 * `sensitiveValues` know about.
 */
export function loadConfig<T>(schema: ConfigSchema<T>, env: Environment): T {
  const ctx: LoadContext = {
    env,
    declared: new Set(variablesOf(schema.shape).map(({ variable }) => variable.name)),
    issues: [],
  };
  const config = loadSchema(schema, ctx);
  if (ctx.issues.length > 0) throw new ConfigError(ctx.issues);
  // Only a complete load reaches here, so the object matches T.
  return config as T;
}

function loadSchema(schema: ConfigSchema<unknown>, ctx: LoadContext): object {
  const before = ctx.issues.length;
  const value = loadShape(schema.shape, ctx);
  // Cross-variable rules read typed values, which only exist when every variable parsed.
  if (ctx.issues.length === before) ctx.issues.push(...schema.checkLoaded(value));
  return value;
}

function loadShape(shape: ConfigShape, ctx: LoadContext): object {
  const out: Record<string, unknown> = {};
  const sensitive = new Map<string, ConfigVariable<unknown>>();
  for (const [key, entry] of Object.entries(shape)) {
    if (entry instanceof ConfigVariable) {
      const resolved = resolveVariable(entry, ctx);
      if (resolved.ok) out[key] = resolved.value;
      if (entry.sensitive) sensitive.set(key, entry);
    } else if (entry instanceof ConfigSchema) {
      out[key] = loadSchema(entry, ctx);
    } else {
      out[key] = loadShape(entry, ctx);
    }
  }
  rememberSensitiveKeys(out, sensitive);
  return Object.freeze(out);
}

function isSet(text: string | undefined): text is string {
  return text !== undefined && text.trim() !== '';
}

function resolveVariable(variable: ConfigVariable<unknown>, ctx: LoadContext): Resolved {
  const { env, issues } = ctx;
  const name = variable.name;
  const fromEnv = env[name];
  const fileVariable = `${name}_FILE`;
  const fromFilePath = env[fileVariable];

  let text: string;
  let source: 'env' | 'file' | 'default';
  if (variable.sensitive && isSet(fromEnv) && isSet(fromFilePath)) {
    issues.push({ variable: name, problem: `both ${name} and ${fileVariable} are set; set only one` });
    return { ok: false };
  } else if (!variable.sensitive && isSet(fromFilePath) && !ctx.declared.has(fileVariable)) {
    // Silently ignoring it would start the service with a default while the operator believes
    // their file is in use.
    issues.push({ variable: fileVariable, problem: `${name} is not sensitive and cannot be read from a file; set ${name} itself` });
    return { ok: false };
  } else if (variable.sensitive && isSet(fromFilePath)) {
    const read = readSecretFile(fromFilePath.trim());
    if (!read.ok) {
      issues.push({ variable: fileVariable, problem: read.problem });
      return { ok: false };
    }
    text = read.text;
    source = 'file';
  } else if (isSet(fromEnv)) {
    text = fromEnv.trim();
    source = 'env';
  } else if (variable.defaultValue !== undefined) {
    text = typeof variable.defaultValue === 'function' ? variable.defaultValue() : variable.defaultValue;
    source = 'default';
  } else if (variable.optional) {
    return { ok: true, value: undefined };
  } else {
    const how = variable.sensitive ? `set ${name} or ${fileVariable}` : `set ${name}`;
    issues.push({ variable: name, problem: `missing (required; ${how}): ${variable.description}` });
    return { ok: false };
  }

  const parsed = variable.parser.safeParse(text);
  if (parsed.success) return { ok: true, value: freezeValue(parsed.data) };
  const reasons = [...new Set(parsed.error.issues.map((issue) => issue.message))].join('; ');
  const problem =
    source === 'file'
      ? `file content: ${reasons}`
      : variable.sensitive
        ? reasons
        : source === 'default'
          ? `default ${quoteForError(text)} is invalid: ${reasons}`
          : `${reasons} (got ${quoteForError(text)})`;
  issues.push({ variable: source === 'file' ? fileVariable : name, problem });
  return { ok: false };
}

function readSecretFile(path: string): { ok: true; text: string } | { ok: false; problem: string } {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return { ok: false, problem: `cannot read ${path} (${code})` };
  }
  // Secret files from Kubernetes or `echo > file` usually end with a newline that is not part of the secret.
  const text = content.trim();
  return text === '' ? { ok: false, problem: `${path} is empty` } : { ok: true, text };
}

function freezeValue(value: unknown): unknown {
  return Array.isArray(value) ? Object.freeze([...(value as unknown[])]) : value;
}

/** A short, one-line rendering of a rejected non-sensitive value, minus any URL credentials. */
function quoteForError(text: string): string {
  const withoutCredentials = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@');
  const short = withoutCredentials.length > 60 ? `${withoutCredentials.slice(0, 59)}…` : withoutCredentials;
  return JSON.stringify(short);
}
