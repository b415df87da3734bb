import { _, Ajv2020, type Code, type KeywordCxt, type Name, type ValidateFunction } from 'ajv/dist/2020.js';
import { z } from 'zod';

/** The outcome of validating one body: the accepted body, or the zod error that explains the rejection. */
export type BodyValidation<T> = { success: true; data: T } | { success: false; error: z.ZodError };

/**
 * Validates event bodies against a topic's zod schema at the speed of compiled code.
 *
 * zod stays the one definition of every body (types, docs, error messages). For the hot path it is
 * compiled once into an ajv validator from its own JSON Schema (`z.toJSONSchema`), which accepts a
 * valid body in about a third of zod's time (docs/benchmarks.md, ADR 0007). Every rejection, and
 * every schema with a refinement JSON Schema cannot express, is decided by zod itself, so callers
 * get zod's messages and zod's verdict wherever the two could differ. The compiled validator is
 * configured to mean what zod means: string lengths in UTF-16 units and patterns without the `u`
 * flag (as zod's RegExps). It refuses unknown keys, so a body with any
 * goes to zod, which strips them: the accepted body is always exactly what zod would return.
 * contracts' spec checks the two agree on every example and on hundreds of mutations of them.
 */
export function compileBodyValidator<T>(schema: z.ZodType<T>): (body: unknown) => BodyValidation<T> {
  const fast = hasRefinements(schema) ? undefined : compileFast(schema);
  return (body) => {
    // The compiled validator never changes the body; a body it refuses (unknown keys included) goes to zod.
    if (fast?.(body)) return { success: true, data: body as T };
    const parsed = schema.safeParse(body);
    return parsed.success ? { success: true, data: parsed.data } : { success: false, error: parsed.error };
  };
}

function compileFast(schema: z.ZodType): ValidateFunction | undefined {
  let jsonSchema: Record<string, unknown>;
  try {
    jsonSchema = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw', target: 'draft-2020-12' }) as Record<string, unknown>;
  } catch {
    return undefined; // not expressible as JSON Schema: zod alone validates it
  }
  const ajv = new Ajv2020({
    strict: true,
    allErrors: false,
    discriminator: true,
    unicodeRegExp: false,
    // date-time: zod's pattern comes along and decides. uri: zod normalises URLs (e.g. trims), so
    // the fast path refuses every body with one and zod alone decides and returns its form.
    formats: { 'date-time': true, uri: () => false },
    code: { optimize: true },
  });
  // zod measures strings in UTF-16 units (`.length`); ajv's minLength/maxLength count code points.
  for (const [keyword, fails] of [
    ['minUnits', (data: Name, limit: Code) => _`${data}.length < ${limit}`],
    ['maxUnits', (data: Name, limit: Code) => _`${data}.length > ${limit}`],
  ] as const) {
    ajv.addKeyword({ keyword, type: 'string', schemaType: 'number', code: (cxt: KeywordCxt) => cxt.fail(fails(cxt.data, cxt.schemaCode as Code)) });
  }
  return ajv.compile(closed(withDiscriminators(jsonSchema)));
}

/**
 * Every object schema refuses keys it does not name (zod would strip them; see above), and string
 * lengths are measured as zod measures them.
 */
function closed(node: unknown): Record<string, unknown> {
  if (Array.isArray(node)) return node.map(closed) as unknown as Record<string, unknown>;
  if (!isPlainObject(node)) return node as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const name = key === 'minLength' ? 'minUnits' : key === 'maxLength' ? 'maxUnits' : key;
    copy[name] = key === 'const' || key === 'enum' ? value : closed(value);
  }
  if (isPlainObject(copy['properties']) && copy['additionalProperties'] === undefined) copy['additionalProperties'] = false;
  return copy;
}

/** zod emits a discriminated union as `oneOf` of objects with a `const` kind; tell ajv so it tries one branch. */
function withDiscriminators(node: unknown): Record<string, unknown> {
  if (Array.isArray(node)) return node.map(withDiscriminators) as unknown as Record<string, unknown>;
  if (!isPlainObject(node)) return node as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) copy[key] = withDiscriminators(value);
  const branches = copy['oneOf'] ?? copy['anyOf'];
  if (Array.isArray(branches) && branches.length > 0) {
    const tag = commonConstProperty(branches);
    if (tag) {
      delete copy['anyOf'];
      copy['oneOf'] = branches;
      copy['discriminator'] = { propertyName: tag };
      copy['type'] = 'object';
    }
  }
  return copy;
}

function commonConstProperty(branches: unknown[]): string | undefined {
  const first = branches[0];
  if (!isPlainObject(first) || !isPlainObject(first['properties'])) return undefined;
  for (const [name, prop] of Object.entries(first['properties'])) {
    if (!isPlainObject(prop) || prop['const'] === undefined) continue;
    const everyBranch = branches.every(
      (b) =>
        isPlainObject(b) &&
        isPlainObject(b['properties']) &&
        isPlainObject(b['properties'][name]) &&
        typeof (b['properties'][name] as Record<string, unknown>)['const'] === 'string' &&
        Array.isArray(b['required']) &&
        (b['required'] as unknown[]).includes(name),
    );
    if (everyBranch) return name;
  }
  return undefined;
}

/** True when the schema (at any depth) carries a `.refine`/`.superRefine`/`.check` that JSON Schema drops. */
function hasRefinements(schema: z.ZodType): boolean {
  const seen = new Set<unknown>();
  const visit = (node: unknown): boolean => {
    if (!node || typeof node !== 'object' || seen.has(node)) return false;
    seen.add(node);
    const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return false;
    const checks = (def['checks'] as { _zod?: { def?: { check?: string } } }[] | undefined) ?? [];
    if (checks.some((c) => c._zod?.def?.check === 'custom')) return true;
    if (def['type'] === 'custom' || def['type'] === 'transform' || def['type'] === 'pipe') return true;
    for (const value of Object.values(def)) {
      if (Array.isArray(value)) {
        if (value.some(visit)) return true;
      } else if (value && typeof value === 'object') {
        if ('_zod' in value) {
          if (visit(value)) return true;
        } else if (Object.values(value).some(visit)) return true; // object shapes
      }
    }
    return false;
  };
  return visit(schema);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
