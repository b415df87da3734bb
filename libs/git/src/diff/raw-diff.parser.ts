/** One entry of `git diff-tree -r -z --raw --no-abbrev` output. */
export interface RawChange {
  /** A added, M modified, D deleted, R renamed, C copied, T type changed, U unmerged, X unknown. */
  status: string;
  /** Similarity for R/C, 0–100. */
  score?: number;
  oldMode: string;
  newMode: string;
  oldOid: string;
  newOid: string;
  /** Path after the change (the only path unless renamed/copied). */
  path: string;
  /** Source path of a rename or copy. */
  previousPath?: string;
}

const META = /^:(\d{6}) (\d{6}) ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) ([A-Z])(\d{0,3})$/;
const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Parses NUL-separated raw diff output. With `-z` paths are verbatim bytes (no quoting), so
 * spaces, quotes, newlines and non-ASCII names come through exactly; non-UTF-8 bytes in a name
 * become U+FFFD.
 */
export function parseRawDiff(output: Buffer): RawChange[] {
  const tokens: Buffer[] = [];
  let start = 0;
  for (;;) {
    const end = output.indexOf(0, start);
    if (end < 0) break;
    tokens.push(output.subarray(start, end));
    start = end + 1;
  }
  if (start < output.length) tokens.push(output.subarray(start));

  const changes: RawChange[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const meta = tokens[i]!.toString('latin1').trim();
    if (meta.length === 0) continue;
    const m = META.exec(meta);
    if (!m) throw new Error(`unexpected raw diff record: ${meta.slice(0, 80)}`);
    const status = m[5]!;
    const first = tokens[++i];
    if (first === undefined) throw new Error('raw diff record without a path');
    const change: RawChange = {
      status,
      oldMode: m[1]!,
      newMode: m[2]!,
      oldOid: m[3]!,
      newOid: m[4]!,
      path: utf8.decode(first),
    };
    if (m[6]) change.score = Number(m[6]);
    if (status === 'R' || status === 'C') {
      const second = tokens[++i];
      if (second === undefined) throw new Error('rename record without a destination path');
      change.previousPath = change.path;
      change.path = utf8.decode(second);
    }
    changes.push(change);
  }
  return changes;
}
