import type { VersionScheme } from './version-scheme.js';

/** `[epoch:]upstream_version[-debian_revision]`, split as deb-version(7) describes. */
export interface DebianVersion {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

const UPSTREAM = /^[0-9][A-Za-z0-9.+~-]*$/;
const UPSTREAM_NO_HYPHEN = /^[0-9][A-Za-z0-9.+~]*$/;
const REVISION = /^[A-Za-z0-9.+~]+$/;

function parseDebian(input: string): DebianVersion | undefined {
  const version = input.trim();
  if (version.length === 0 || version.length > 256) return undefined;
  let rest = version;
  let epoch = 0;
  const colon = rest.indexOf(':');
  if (colon !== -1) {
    const epochText = rest.slice(0, colon);
    if (!/^[0-9]{1,9}$/.test(epochText)) return undefined;
    epoch = Number(epochText);
    rest = rest.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen === -1 ? rest : rest.slice(0, hyphen);
  const revision = hyphen === -1 ? '' : rest.slice(hyphen + 1);
  if (hyphen !== -1 && !REVISION.test(revision)) return undefined;
  // A hyphen is only allowed in the upstream part when a revision follows (deb-version(7)).
  if (!(hyphen === -1 ? UPSTREAM_NO_HYPHEN : UPSTREAM).test(upstream)) return undefined;
  return { epoch, upstream, revision };
}

/** Weight of one character in the non-digit pass: `~` first, then end of string, letters, the rest. */
function order(ch: string | undefined): number {
  if (ch === undefined) return 0;
  if (ch === '~') return -1;
  const code = ch.charCodeAt(0);
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return code;
  return code + 256;
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/**
 * deb-version(7) comparison of one part: alternately compare the longest non-digit prefixes
 * (character by character with `order`) and the longest digit prefixes (numerically, empty = 0).
 */
export function compareDebianPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = i < a.length && !isDigit(a[i]) ? order(a[i]) : 0;
      const bc = j < b.length && !isDigit(b[j]) ? order(b[j]) : 0;
      if (ac !== bc) return ac - bc;
      if (i < a.length && !isDigit(a[i])) i++;
      if (j < b.length && !isDigit(b[j])) j++;
    }
    let ai = i;
    while (a[ai] === '0') ai++;
    let bj = j;
    while (b[bj] === '0') bj++;
    let aEnd = ai;
    while (isDigit(a[aEnd])) aEnd++;
    let bEnd = bj;
    while (isDigit(b[bEnd])) bEnd++;
    // Compare digit runs without leading zeros: longer is larger, then lexically.
    const an = a.slice(ai, aEnd);
    const bn = b.slice(bj, bEnd);
    if (an.length !== bn.length) return an.length - bn.length;
    if (an !== bn) return an < bn ? -1 : 1;
    i = aEnd;
    j = bEnd;
  }
  return 0;
}

/** Debian/Ubuntu (dpkg) ordering, per deb-version(7) and dpkg's `verrevcmp`. */
export const debianVersionScheme: VersionScheme<DebianVersion> = {
  name: 'dpkg',
  parse: parseDebian,
  compare(a, b) {
    if (a.epoch !== b.epoch) return a.epoch - b.epoch;
    const upstream = compareDebianPart(a.upstream, b.upstream);
    if (upstream !== 0) return upstream;
    // An absent revision is equivalent to "0", which the digit pass already treats as empty.
    return compareDebianPart(a.revision, b.revision);
  },
};
