import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { EVENT_EXAMPLES } from '../examples/all-examples.js';
import { TOPICS } from '../topics/registry.js';
import { compileBodyValidator } from './body-validator.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value in a JSON tree (objects and arrays included). */
function pathsOf(node: Json, path: (string | number)[] = []): (string | number)[][] {
  const here = [path];
  if (Array.isArray(node)) return [...here, ...node.flatMap((child, i) => pathsOf(child, [...path, i]))];
  if (node && typeof node === 'object') return [...here, ...Object.entries(node).flatMap(([k, v]) => pathsOf(v, [...path, k]))];
  return here;
}

function withValueAt(root: Json, path: (string | number)[], change: (value: Json) => Json | undefined): Json {
  const copy = structuredClone(root);
  if (path.length === 0) return change(copy) ?? null;
  let parent = copy as Record<string | number, Json>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, Json>;
  const last = path.at(-1)!;
  const next = change(parent[last]!);
  if (next === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = next;
  return copy;
}

/** Wrong types, edge values and near-misses of each kind of value; `undefined` deletes it. */
function mutationsOf(value: Json): ((v: Json) => Json | undefined)[] {
  const always: ((v: Json) => Json | undefined)[] = [() => undefined, () => null, () => 7, () => 'x', () => true, () => [], () => ({})];
  if (typeof value === 'string') {
    return [
      ...always,
      () => '',
      (v) => `${v as string} `,
      (v) => `-${v as string}`,
      (v) => (v as string).toUpperCase(),
      (v) => (v as string).slice(0, -1),
      (v) => `${v as string}\u00e9\u{1F600}`,
      (v) => (v as string).repeat(40),
      () => 'ftp://example.com/x',
      () => 'https://example.com/x',
      () => '2026-02-30T10:00:00Z',
      () => '2026-11-26T10:00:00.123+01:00',
      () => 'a'.repeat(40),
      () => '0'.repeat(64),
    ];
  }
  if (typeof value === 'number') return [...always, () => -1, () => 1.5, () => 0, () => Number.MAX_SAFE_INTEGER + 2, (v) => (v as number) + 1];
  if (Array.isArray(value)) return [...always, (v) => [...(v as Json[]), ...(v as Json[])], (v) => (v as Json[]).slice(1), () => [null]];
  if (value && typeof value === 'object') return [...always, (v) => ({ ...(v as object), unknownField: 'surplus' }), (v) => ({ ...(v as object), kind: 'other' })];
  return always;
}

describe('compileBodyValidator', () => {
  it('compiles a fast validator for every topic whose schema JSON Schema can express', () => {
    for (const topic of TOPICS) expect(() => compileBodyValidator(topic.schema as z.ZodType<unknown>)).not.toThrow();
  });

  it.each(EVENT_EXAMPLES.map((e) => [`${e.topic.name} ${e.kind}`, e] as const))(
    'agrees with zod on the %s example and every mutation of it: same verdict, same body',
    (_name, example) => {
      const validate = compileBodyValidator(example.topic.schema as z.ZodType<unknown>);
      const body = JSON.parse(JSON.stringify(example.body())) as Json;
      let cases = 0;
      let rejected = 0;
      for (const path of pathsOf(body)) {
        for (const mutate of mutationsOf(path.reduce<Json>((node, step) => (node as Record<string | number, Json>)[step]!, body))) {
          const candidate = withValueAt(body, path, mutate);
          const before = JSON.stringify(candidate);
          const expected = example.topic.schema.safeParse(structuredClone(candidate));
          const actual = validate(candidate);
          cases += 1;
          if (!expected.success) rejected += 1;
          expect({ path: path.join('.'), ok: actual.success }).toEqual({ path: path.join('.'), ok: expected.success });
          if (actual.success && expected.success) expect(actual.data).toEqual(expected.data);
          // Validation never changes what it was given.
          expect(JSON.stringify(candidate)).toBe(before);
        }
      }
      // The mutations reach both verdicts, so agreement is not trivially all-accept or all-reject.
      expect(rejected).toBeGreaterThan(cases / 4);
      expect(cases - rejected).toBeGreaterThan(0);
    },
  );

  it('strips unknown keys as zod does (through zod), and keeps the input untouched', () => {
    const example = EVENT_EXAMPLES[0]!;
    const validate = compileBodyValidator(example.topic.schema as z.ZodType<unknown>);
    const input = { ...(example.body() as object), surplus: 'x' };
    const result = validate(input);
    expect(result.success && 'surplus' in (result.data as object)).toBe(false);
    expect(input.surplus).toBe('x');
  });

  it('accepts a valid body on the compiled path, without running zod', () => {
    const schema = TOPICS.find((t) => t.name === 'scm.events')!.schema as z.ZodType<unknown>;
    const validate = compileBodyValidator(schema);
    const spy = vi.spyOn(schema, 'safeParse');
    try {
      expect(validate(EVENT_EXAMPLES[0]!.body()).success).toBe(true);
      expect(spy).not.toHaveBeenCalled();
      expect(validate({ kind: 'push' }).success).toBe(false);
      expect(spy).toHaveBeenCalledOnce();
    } finally {
      spy.mockRestore();
    }
  });

  it('leaves schemas with refinements JSON Schema cannot express to zod alone', () => {
    const schema = z.object({ a: z.number(), b: z.number() }).refine((v) => v.a < v.b, { message: 'a must be below b' });
    const validate = compileBodyValidator(schema);
    expect(validate({ a: 1, b: 2 }).success).toBe(true);
    const refused = validate({ a: 3, b: 2 });
    expect(refused.success).toBe(false);
    expect(!refused.success && refused.error.issues[0]?.message).toBe('a must be below b');
  });
});
