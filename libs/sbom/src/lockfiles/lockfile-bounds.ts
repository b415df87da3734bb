import { LockfileError } from './lockfile.error.js';
import type { LockfileLimits, UnpinnedDependency } from './lockfile.model.js';
import type { PackageRecord } from '../model.js';

/**
 * Nesting checks run before a parser sees the text. The parsers (V8's JSON, `yaml`, js-yaml, the
 * yarn grammar, smol-toml) recurse per level, and a crafted megabyte of `[[[[` would either blow
 * the stack or cost far more than a lockfile should; each scan is one linear pass.
 */

/** `[`/`{` nesting outside quoted strings (JSON, YAML/TOML flow collections). */
export function assertBracketDepth(text: string, limits: LockfileLimits): void {
  let depth = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === BACKSLASH && quote === DQUOTE) i++;
      else if (c === quote || c === NEWLINE) quote = 0;
      continue;
    }
    if (c === DQUOTE || c === SQUOTE) quote = c;
    else if (c === OPEN_SQUARE || c === OPEN_CURLY) {
      if (++depth > limits.maxDepth) throw new LockfileError('TOO_DEEP', `nested deeper than ${limits.maxDepth} levels`);
    } else if ((c === CLOSE_SQUARE || c === CLOSE_CURLY) && depth > 0) depth--;
  }
}

/** Block nesting by indentation (YAML, yarn v1): two spaces a level. */
export function assertIndentDepth(text: string, limits: LockfileLimits): void {
  const maxIndent = limits.maxDepth * 2;
  let indent = 0;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      atLineStart = true;
      indent = 0;
    } else if (atLineStart && (c === SPACE || c === TAB)) {
      if (++indent > maxIndent) throw new LockfileError('TOO_DEEP', `indented deeper than ${limits.maxDepth} levels`);
    } else {
      atLineStart = false;
    }
  }
}

const [NEWLINE, TAB, SPACE, DQUOTE, SQUOTE, BACKSLASH] = [0x0a, 0x09, 0x20, 0x22, 0x27, 0x5c];
const [OPEN_SQUARE, CLOSE_SQUARE, OPEN_CURLY, CLOSE_CURLY] = [0x5b, 0x5d, 0x7b, 0x7d];

/** Collects a file's entries under the package cap, deduplicating pinned ones. */
export class PackageCollector {
  readonly #seen = new Set<string>();
  readonly packages: PackageRecord[] = [];
  readonly unpinned: UnpinnedDependency[] = [];
  #entries = 0;

  constructor(private readonly limits: LockfileLimits) {}

  pinned(record: PackageRecord): void {
    this.#count();
    const key = `${record.type}\0${record.namespace ?? ''}\0${record.name}\0${record.version}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.packages.push(record);
  }

  unpinnedDependency(name: string, reason: UnpinnedDependency['reason']): void {
    this.#count();
    this.unpinned.push({ name: name.length <= 200 ? name : `${name.slice(0, 199)}…`, reason });
  }

  #count(): void {
    if (++this.#entries > this.limits.maxPackages) throw new LockfileError('TOO_MANY_PACKAGES', `more than ${this.limits.maxPackages} entries`);
  }
}

/** A parser's own exception becomes UNPARSABLE with a short reason (its messages quote no content we keep). */
export function unparsable(error: unknown, what: string): LockfileError {
  if (error instanceof LockfileError) return error;
  if (error instanceof RangeError) return new LockfileError('TOO_DEEP', `${what} nests too deeply to parse`, error);
  return new LockfileError('UNPARSABLE', `not a valid ${what}`, error);
}
