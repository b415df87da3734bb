import { z } from 'zod';

// Parsers take the raw text of one variable (already trimmed, never empty unless it is a default)
// and give the typed value. Their messages end up in a ConfigError next to the variable's name, so
// they say what was expected and never echo the input: the caller decides whether echoing is safe.

const INTEGER = /^[+-]?\d+$/;
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function stringParser(pattern?: RegExp): z.ZodType<string, string> {
  const base = z.string();
  return pattern ? base.regex(pattern, { error: `must match ${pattern.source}` }) : base;
}

export function intParser(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): z.ZodType<number, string> {
  return z
    .string()
    .regex(INTEGER, { error: 'not an integer' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );
}

export function portParser(): z.ZodType<number, string> {
  // 0 is allowed on purpose: tests and sidecars ask the OS for a free port.
  return intParser(0, 65_535);
}

export function urlParser(protocols?: readonly string[]): z.ZodType<string, string> {
  const allowed = protocols?.map((p) => p.replace(/:?(\/\/)?$/, '').toLowerCase());
  return z.string().superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a valid URL' });
      return;
    }
    const scheme = url.protocol.slice(0, -1).toLowerCase();
    if (allowed && !allowed.includes(scheme)) {
      ctx.addIssue({ code: 'custom', message: `must use ${allowed.map((p) => `${p}://`).join(' or ')}` });
    }
  });
}

export function boolParser(): z.ZodType<boolean, string> {
  return z.stringbool({
    truthy: ['true', '1', 'yes', 'on'],
    falsy: ['false', '0', 'no', 'off'],
    case: 'insensitive',
    error: 'not a boolean (use true/false, 1/0, yes/no or on/off)',
  });
}

/** Milliseconds from Go-style durations: `500ms`, `30s`, `5m`, `1h30m`. A bare number is refused: its unit would be a guess. */
export function durationParser(): z.ZodType<number, string> {
  return z
    .string()
    .regex(DURATION, { error: 'not a duration (use e.g. 500ms, 30s, 5m, 1h30m)' })
    .transform((text) => {
      let total = 0;
      for (const [, amount, unit] of text.matchAll(DURATION_PART)) {
        total += Number(amount) * (UNIT_MS[unit ?? 'ms'] ?? 1);
      }
      return Math.round(total);
    })
    .pipe(z.number().max(Number.MAX_SAFE_INTEGER, { error: 'duration too large' }));
}

export function listParser(minItems: number, separator = ','): z.ZodType<readonly string[], string> {
  return z
    .string()
    .transform((text) =>
      text
        .split(separator)
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    )
    .pipe(z.array(z.string()).min(minItems, { error: `must list at least ${minItems} item(s), separated by "${separator}"` }));
}

export function enumParser<const V extends string>(values: readonly [V, ...V[]]): z.ZodType<V, string> {
  // Operators type LOG_LEVEL=INFO as often as info; the canonical spelling is what the code sees.
  const byLowerCase = new Map(values.map((value) => [value.toLowerCase(), value] as const));
  return z.string().transform((text, ctx) => {
    const value = byLowerCase.get(text.toLowerCase());
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')}` });
      return z.NEVER;
    }
    return value;
  });
}
