import type { OsvAffected, OsvRange } from '../osv/osv.schema.js';
import { semverVersionScheme } from '../versions/semver.version.js';
import type { VersionScheme } from '../versions/version-scheme.js';

type EventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';

interface CompiledEvent {
  readonly kind: EventKind;
  readonly version: string;
  /** `undefined` for the open bounds `introduced: "0"` and `limit: "*"`. */
  readonly parsed: unknown;
}

/** A range ready to evaluate: events sorted by the range's version order. */
export interface CompiledRange {
  readonly scheme: VersionScheme;
  readonly events: readonly CompiledEvent[];
  /** Parsed `limit` bounds; empty means no limit. `"*"` makes the range unlimited. */
  readonly limits: readonly unknown[];
  readonly unlimited: boolean;
}

/** One `affected[]` entry, compiled. */
export interface CompiledAffected {
  readonly ranges: readonly CompiledRange[];
  readonly versions: ReadonlySet<string>;
  /** `fixed` events of all its ranges, in range order, without duplicates. */
  readonly fixed: readonly { readonly version: string; readonly parsed: unknown; readonly scheme: VersionScheme }[];
}

export type RangeProblem = { readonly reason: string };

const isOpen = (kind: EventKind, version: string): boolean => (kind === 'introduced' && version === '0') || (kind === 'limit' && version === '*');

/**
 * Compiles one range. `GIT` ranges return `undefined` (commit ranges need the repository history,
 * which an image scan does not have; the ecosystem ranges OSV derives from them are used instead).
 * A range whose bounds do not parse in its order returns a problem and is dropped, rather than
 * being compared wrongly.
 */
export function compileRange(range: OsvRange, ecosystemScheme: VersionScheme): CompiledRange | RangeProblem | undefined {
  if (range.type === 'GIT') return undefined;
  const scheme = range.type === 'SEMVER' ? (semverVersionScheme as VersionScheme) : ecosystemScheme;
  const events: CompiledEvent[] = [];
  for (const event of range.events) {
    const kind: EventKind =
      event.introduced !== undefined ? 'introduced' : event.fixed !== undefined ? 'fixed' : event.last_affected !== undefined ? 'last_affected' : 'limit';
    const version = event[kind]!;
    if (isOpen(kind, version)) {
      events.push({ kind, version, parsed: undefined });
      continue;
    }
    const parsed = scheme.parse(version);
    if (parsed === undefined) return { reason: `${range.type} range: ${kind} version does not parse as ${scheme.name}` };
    events.push({ kind, version, parsed });
  }
  // "0" sorts first and "*" last; otherwise the range's own order. Array.sort is stable, so
  // events at the same version keep the record's order.
  const rank = (e: CompiledEvent): number => (e.parsed !== undefined ? 0 : e.kind === 'introduced' ? -1 : 1);
  events.sort((a, b) => rank(a) - rank(b) || (a.parsed === undefined || b.parsed === undefined ? 0 : scheme.compare(a.parsed, b.parsed)));
  const limitEvents = events.filter((e) => e.kind === 'limit');
  return {
    scheme,
    events,
    limits: limitEvents.filter((e) => e.parsed !== undefined).map((e) => e.parsed),
    unlimited: limitEvents.length === 0 || limitEvents.some((e) => e.parsed === undefined),
  };
}

/**
 * The OSV evaluation (osv-schema "Evaluation"): walk the sorted events; `introduced` at or below
 * the version opens the range, `fixed` at or below closes it, `last_affected` strictly below
 * closes it. With `limit` events the version must also be below one of them.
 */
export function rangeIncludes(range: CompiledRange, version: string): boolean | undefined {
  const v = range.scheme.parse(version);
  if (v === undefined) return undefined;
  const { compare } = range.scheme;
  if (!range.unlimited && !range.limits.some((limit) => compare(v, limit) < 0)) return false;
  let affected = false;
  for (const e of range.events) {
    if (e.kind === 'introduced') {
      if (e.parsed === undefined || compare(v, e.parsed) >= 0) affected = true;
    } else if (e.kind === 'fixed') {
      if (compare(v, e.parsed) >= 0) affected = false;
    } else if (e.kind === 'last_affected') {
      if (compare(v, e.parsed) > 0) affected = false;
    }
  }
  return affected;
}

/** Compiles an `affected[]` entry; problems are the ranges that had to be dropped. */
export function compileAffected(affected: OsvAffected, ecosystemScheme: VersionScheme): { compiled: CompiledAffected; problems: string[] } {
  const ranges: CompiledRange[] = [];
  const problems: string[] = [];
  const fixed: { version: string; parsed: unknown; scheme: VersionScheme }[] = [];
  for (const range of affected.ranges ?? []) {
    const compiled = compileRange(range, ecosystemScheme);
    if (compiled === undefined) continue;
    if ('reason' in compiled) {
      problems.push(compiled.reason);
      continue;
    }
    ranges.push(compiled);
    for (const e of compiled.events) {
      if (e.kind === 'fixed' && !fixed.some((f) => f.version === e.version)) fixed.push({ version: e.version, parsed: e.parsed, scheme: compiled.scheme });
    }
  }
  return { compiled: { ranges, versions: new Set(affected.versions ?? []), fixed }, problems };
}

/**
 * Fixed versions that are upgrades from `version`: a fix below the installed version belongs to
 * another release line (Go's 1.18.6 for an installed 1.19.0) and would only mislead.
 */
export function fixesAbove(entry: CompiledAffected, version: string): string[] {
  return entry.fixed
    .filter((f) => {
      const installed = f.scheme.parse(version);
      return installed === undefined || f.scheme.compare(f.parsed, installed) > 0;
    })
    .map((f) => f.version);
}

// Parsed `versions` lists, computed on first use: most entries are never asked about, and parsing
// every listed version of a whole ecosystem at build time would dominate the import.
const parsedLists = new WeakMap<CompiledAffected, unknown[]>();

function parsedListOf(entry: CompiledAffected, scheme: VersionScheme): unknown[] {
  let list = parsedLists.get(entry);
  if (list === undefined) {
    list = [...entry.versions].map((x) => scheme.parse(x)).filter((x) => x !== undefined);
    parsedLists.set(entry, list);
  }
  return list;
}

export type AffectedVerdict = 'affected' | 'not-affected' | 'unparseable';

/**
 * Whether `version` is affected: listed in `versions` (exactly, or equal in the ecosystem's
 * order, so `1.0` matches a listed `1.0.0` on PyPI), or inside any range.
 */
export function isAffected(entry: CompiledAffected, version: string, ecosystemScheme: VersionScheme): AffectedVerdict {
  if (entry.versions.has(version)) return 'affected';
  let unparseable = false;
  for (const range of entry.ranges) {
    const included = rangeIncludes(range, version);
    if (included === true) return 'affected';
    if (included === undefined) unparseable = true;
  }
  if (entry.versions.size > 0) {
    const v = ecosystemScheme.parse(version);
    if (v === undefined) unparseable = true;
    else if (parsedListOf(entry, ecosystemScheme).some((l) => ecosystemScheme.compare(v, l) === 0)) return 'affected';
  }
  return unparseable ? 'unparseable' : 'not-affected';
}
