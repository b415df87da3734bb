import type { VersionScheme } from './version-scheme.js';

/** Token kinds in apk-tools' order: where two versions differ in kind, the later kind is older. */
const enum Kind {
  InitialDigit = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNo = 4,
  CommitHash = 5,
  RevisionNo = 6,
  End = 7,
}

interface AlpineToken {
  readonly kind: Kind;
  /** The token's text (digits, letter, suffix name or hash). */
  readonly text: string;
  /** Numeric value for digit tokens, suffix rank for suffixes (pre-releases negative). */
  readonly rank: bigint;
}

/** A parsed apk version: its tokens, always ending with an `End` token. */
export type AlpineVersion = readonly AlpineToken[];

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

function suffixRank(name: string): bigint | undefined {
  const pre = PRE_SUFFIXES.indexOf(name);
  if (pre !== -1) return BigInt(pre - PRE_SUFFIXES.length);
  const post = POST_SUFFIXES.indexOf(name);
  return post === -1 ? undefined : BigInt(post + 1);
}

function span(s: string, from: number, accept: RegExp): string {
  let end = from;
  while (end < s.length && accept.test(s[end]!)) end++;
  return s.slice(from, end);
}

const DIGIT = /[0-9]/;
const LOWER = /[a-z]/;
const HEX = /[0-9a-fA-F]/;

/** Tokenises `digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#}`; `undefined` when apk would reject it. */
function parseAlpine(input: string): AlpineVersion | undefined {
  const s = input.trim();
  if (s.length === 0 || s.length > 256) return undefined;
  const first = span(s, 0, DIGIT);
  if (first.length === 0) return undefined;
  const tokens: AlpineToken[] = [{ kind: Kind.InitialDigit, text: first, rank: BigInt(first) }];
  let i = first.length;
  let prev = Kind.InitialDigit;
  const push = (kind: Kind, text: string, rank = 0n): void => {
    tokens.push({ kind, text, rank });
    prev = kind;
  };
  while (i < s.length) {
    const c = s[i]!;
    if (LOWER.test(c)) {
      if (prev > Kind.Digit) return undefined;
      push(Kind.Letter, c, BigInt(c.charCodeAt(0)));
      i++;
    } else if (c === '.' || DIGIT.test(c)) {
      if (c === '.') {
        if (prev > Kind.Digit) return undefined;
        i++;
      }
      const kind = prev === Kind.InitialDigit || prev === Kind.Digit ? Kind.Digit : prev === Kind.Suffix ? Kind.SuffixNo : undefined;
      const digits = span(s, i, DIGIT);
      if (kind === undefined || digits.length === 0) return undefined;
      push(kind, digits, BigInt(digits));
      i += digits.length;
    } else if (c === '_') {
      if (prev > Kind.SuffixNo) return undefined;
      const name = span(s, i + 1, LOWER);
      const rank = suffixRank(name);
      if (rank === undefined) return undefined;
      push(Kind.Suffix, name, rank);
      i += 1 + name.length;
    } else if (c === '~') {
      if (prev >= Kind.CommitHash) return undefined;
      const hash = span(s, i + 1, HEX);
      if (hash.length === 0) return undefined;
      push(Kind.CommitHash, hash);
      i += 1 + hash.length;
    } else if (c === '-') {
      if (prev >= Kind.RevisionNo || s[i + 1] !== 'r') return undefined;
      const digits = span(s, i + 2, DIGIT);
      if (digits.length === 0) return undefined;
      push(Kind.RevisionNo, digits, BigInt(digits));
      i += 2 + digits.length;
    } else {
      return undefined;
    }
  }
  tokens.push({ kind: Kind.End, text: '', rank: 0n });
  return tokens;
}

/** Byte-wise, then shorter first: apk's `apk_blob_sort`. */
function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a.charCodeAt(i) - b.charCodeAt(i);
  }
  return a.length - b.length;
}

function compareToken(a: AlpineToken, b: AlpineToken): number {
  switch (a.kind) {
    case Kind.Digit:
      // Gentoo's rule: a component with a leading zero compares as a string ("1.07" < "1.1").
      if (a.text.startsWith('0') || b.text.startsWith('0')) return compareText(a.text, b.text);
      return a.rank === b.rank ? 0 : a.rank < b.rank ? -1 : 1;
    case Kind.CommitHash:
      return compareText(a.text, b.text);
    default:
      return a.rank === b.rank ? 0 : a.rank < b.rank ? -1 : 1;
  }
}

function compareAlpine(a: AlpineVersion, b: AlpineVersion): number {
  let i = 0;
  for (; a[i]!.kind === b[i]!.kind && a[i]!.kind !== Kind.End; i++) {
    const r = compareToken(a[i]!, b[i]!);
    if (r !== 0) return r;
  }
  const ta = a[i]!;
  const tb = b[i]!;
  if (ta.kind === tb.kind) return 0;
  // Equal so far: the version that goes on is newer, unless it goes on with a pre-release
  // suffix; otherwise the later token kind is the older version (so `-r1` < `.1`).
  if (ta.kind === Kind.Suffix && ta.rank < 0n) return -1;
  if (tb.kind === Kind.Suffix && tb.rank < 0n) return 1;
  return ta.kind > tb.kind ? -1 : 1;
}

/**
 * Alpine apk ordering, following apk-tools' `src/version.c` (apk-tools 2.14 / 3.x): the version is
 * read as typed tokens (`digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}`) and compared token by
 * token; digits after the first numerically unless one has a leading zero (then as strings);
 * suffixes rank `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p`.
 */
export const alpineVersionScheme: VersionScheme<AlpineVersion> = {
  name: 'apk',
  parse: parseAlpine,
  compare: compareAlpine,
};
