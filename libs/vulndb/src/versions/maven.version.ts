import type { VersionScheme } from './version-scheme.js';

/**
 * One item of Maven's `ComparableVersion`: a number, a qualifier string, or a sub-list (opened by
 * `-` or by a digit/letter transition).
 */
export type MavenItem =
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'list'; readonly items: MavenItem[] };

export type MavenVersion = MavenItem & { readonly kind: 'list' };

/** Known qualifiers in release order; `""` is the release itself. Unknown ones sort after `sp`. */
const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  // Maven compares these as strings, so unknown qualifiers sort after every known one, lexically.
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function stringItem(value: string, followedByDigit: boolean): MavenItem {
  let v = value;
  if (followedByDigit && v.length === 1) {
    // "1a1" means "1-alpha-1"; only single letters directly followed by a digit are shorthands.
    v = v === 'a' ? 'alpha' : v === 'b' ? 'beta' : v === 'm' ? 'milestone' : v;
  }
  return { kind: 'string', value: ALIASES[v] ?? v };
}

function parseItem(isDigit: boolean, text: string): MavenItem {
  return isDigit ? { kind: 'int', value: BigInt(text) } : stringItem(text, false);
}

function isNull(item: MavenItem): boolean {
  if (item.kind === 'int') return item.value === 0n;
  if (item.kind === 'string') return comparableQualifier(item.value) === RELEASE_INDEX;
  return item.items.length === 0;
}

/** Drops trailing "null" items (0, "", empty lists) so that `1.0.0` equals `1`. */
function normalize(list: MavenItem[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i]!;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

const isDigitChar = (c: string): boolean => c >= '0' && c <= '9';

function parseMaven(input: string): MavenVersion | undefined {
  const version = input.trim().toLowerCase();
  if (version.length === 0 || version.length > 256) return undefined;
  const root: MavenItem[] = [];
  let list = root;
  const stack: MavenItem[][] = [root];
  const openList = (): void => {
    const next: MavenItem[] = [];
    list.push({ kind: 'list', items: next });
    list = next;
    stack.push(next);
  };
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < version.length; i++) {
    const c = version[i]!;
    if (c === '.' || c === '-') {
      list.push(i === start ? { kind: 'int', value: 0n } : parseItem(isDigit, version.slice(start, i)));
      start = i + 1;
      if (c === '-') openList();
    } else if (isDigitChar(c)) {
      if (!isDigit && i > start) {
        list.push(stringItem(version.slice(start, i), true));
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, version.slice(start, i)));
        start = i;
        openList();
      }
      isDigit = false;
    }
  }
  if (version.length > start) list.push(parseItem(isDigit, version.slice(start)));
  while (stack.length > 0) normalize(stack.pop()!);
  return { kind: 'list', items: root };
}

/** `item` against `other`; `undefined` stands for a missing item (the shorter list ran out). */
function compareItem(item: MavenItem, other: MavenItem | undefined): number {
  switch (item.kind) {
    case 'int':
      if (other === undefined) return item.value === 0n ? 0 : 1;
      if (other.kind === 'int') return item.value === other.value ? 0 : item.value < other.value ? -1 : 1;
      return 1; // a number is newer than a qualifier or a sub-list
    case 'string': {
      const mine = comparableQualifier(item.value);
      if (other === undefined) return mine === RELEASE_INDEX ? 0 : mine < RELEASE_INDEX ? -1 : 1;
      if (other.kind === 'string') {
        const theirs = comparableQualifier(other.value);
        return mine === theirs ? 0 : mine < theirs ? -1 : 1;
      }
      return -1; // a qualifier is older than a number or a sub-list
    }
    case 'list': {
      if (other === undefined) return item.items.length === 0 ? 0 : compareItem(item.items[0]!, undefined);
      if (other.kind === 'int') return -1;
      if (other.kind === 'string') return 1;
      const n = Math.max(item.items.length, other.items.length);
      for (let i = 0; i < n; i++) {
        const l = item.items[i];
        const r = other.items[i];
        const result = l === undefined ? (r === undefined ? 0 : -compareItem(r, l)) : compareItem(l, r);
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}

/**
 * Maven ordering, after maven-artifact's `ComparableVersion` (the algorithm Maven itself and the
 * OSV Maven ecosystem use): `.`/`-` and digit↔letter transitions split items; `-` (and a
 * transition) opens a sub-list; qualifiers order `alpha < beta < milestone < rc = cr < snapshot <
 * "" = ga = final = release < sp < unknown (lexical)`; numbers are newer than qualifiers.
 */
export const mavenVersionScheme: VersionScheme<MavenVersion> = {
  name: 'maven',
  parse: parseMaven,
  compare: (a, b) => compareItem(a, b),
};
