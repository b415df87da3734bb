import { re2Pattern, type Pattern } from '@portcullis/secrets';

/*
 * Regular expressions and globs from `.portcullis.yaml` come from any pusher, so both are compiled
 * with re2js (RE2 semantics: matching time is linear in the input, no catastrophic backtracking),
 * their sources are bounded here, and the text they run over is bounded by the evaluators.
 */

/** Longest regular expression accepted in `imageTests`. */
export const MAX_PATTERN_LENGTH = 512;
/** Longest glob accepted in `imageTests`. */
export const MAX_GLOB_LENGTH = 256;

/** A user's regular expression, compiled. `source` is what the user wrote (shown in reasons). */
export interface CompiledPattern {
  readonly source: string;
  test(text: string): boolean;
}

/** A path glob, compiled. Paths are compared without a leading `/` (`etc/passwd`). */
export interface CompiledGlob {
  readonly source: string;
  matches(path: string): boolean;
}

export type Compiled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/**
 * Compiles an RE2-syntax regular expression (no lookaround, no backreferences). `^` and `$` match
 * at line boundaries (multi-line mode), as people expect of command output and file content
 * (`^v1\.` finds a line); `\A` and `\z` anchor the whole text.
 */
export function compilePattern(source: string): Compiled<CompiledPattern> {
  if (source.length === 0 || source.length > MAX_PATTERN_LENGTH) return { ok: false, message: `a regular expression of 1 to ${MAX_PATTERN_LENGTH} characters` };
  let pattern: Pattern;
  try {
    pattern = re2Pattern(`(?m)${source}`);
  } catch (error) {
    // re2js names what it could not parse (`invalid or unsupported Perl syntax: (?=`); the pattern is the user's own text.
    const detail = error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 160) : 'syntax error';
    return { ok: false, message: `not a valid RE2 regular expression (${detail})` };
  }
  return { ok: true, value: { source, test: (text) => pattern.test(text) } };
}

/** `/usr/bin/` → `usr/bin`, `./app` → `app`: the form every path and glob is compared in. */
export function normalisePath(path: string): string {
  let p = path.replace(/\/{2,}/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  p = p.replace(/^\/+/, '').replace(/\/+$/, '');
  return p;
}

const GLOB_SPECIAL = /[\\^$.|+()[\]{}]/;

/**
 * Compiles a glob anchored at the image root: `*` and `?` stay within one path segment, `**`
 * spans segments (`**` then `/.env` is any `.env`), `{a,b}` is an alternative (not nested). A leading `/`
 * is optional. `..` segments are refused: the glob names paths inside the image.
 */
export function compileGlob(source: string): Compiled<CompiledGlob> {
  if (source.length === 0 || source.length > MAX_GLOB_LENGTH) return { ok: false, message: `a glob of 1 to ${MAX_GLOB_LENGTH} characters` };
  if (source.includes('\0')) return { ok: false, message: 'a glob without NUL characters' };
  const glob = normalisePath(source);
  if (glob.length === 0) return { ok: false, message: 'a glob naming something below the root' };
  if (glob.split('/').includes('..')) return { ok: false, message: 'a glob without `..` segments' };
  let re = '';
  let inBraces = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const slashAfter = glob[i + 2] === '/';
        if (atSegmentStart && slashAfter) {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{' && !inBraces) {
      inBraces = true;
      re += '(?:';
    } else if (c === '}' && inBraces) {
      inBraces = false;
      re += ')';
    } else if (c === ',' && inBraces) re += '|';
    else if (c === '{' || c === '}') return { ok: false, message: 'a glob with `{a,b}` alternatives that are neither nested nor unbalanced' };
    else re += GLOB_SPECIAL.test(c) ? `\\${c}` : c;
  }
  if (inBraces) return { ok: false, message: 'a glob with `{a,b}` alternatives that are neither nested nor unbalanced' };
  const pattern = re2Pattern(`^(?:${re})$`);
  return { ok: true, value: { source, matches: (path) => pattern.test(normalisePath(path)) } };
}
