import { RE2JS } from 're2js';

/** One regex match: offsets into the searched text and its capture groups (index 0 = whole match). */
export interface PatternMatch {
  readonly index: number;
  readonly groups: readonly (string | undefined)[];
}

/**
 * A compiled regex behind one interface, so the scanner does not care whether a rule is one of ours
 * (a vetted V8 RegExp: fast) or a user's gitleaks rule (RE2 syntax, untrusted: re2js, linear time).
 */
export interface Pattern {
  /** Calls `onMatch` for each non-overlapping match in `text`, left to right. */
  forEachMatch(text: string, onMatch: (match: PatternMatch) => void): void;
  /** True when the pattern matches somewhere in `text`. */
  test(text: string): boolean;
}

/** Wraps one of our own RegExps. The flags are normalised to include `g` (and never `y`). */
export function nativePattern(regex: RegExp): Pattern {
  const flags = regex.flags.replace(/[gy]/g, '');
  const global = new RegExp(regex.source, `${flags}g`);
  const single = new RegExp(regex.source, flags);
  return {
    forEachMatch(text, onMatch) {
      global.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = global.exec(text)) !== null) {
        if (m[0].length === 0) global.lastIndex++;
        onMatch({ index: m.index, groups: m });
      }
    },
    test: (text) => single.test(text),
  };
}

/** Compiles a Go/RE2 regex (gitleaks syntax) with re2js. Throws re2js's syntax error as is. */
export function re2Pattern(source: string): Pattern {
  const re = RE2JS.compile(source);
  const groupCount = re.groupCount();
  return {
    forEachMatch(text, onMatch) {
      const m = re.matcher(text);
      let from = 0;
      while (from <= text.length && m.find(from)) {
        const groups: (string | undefined)[] = [];
        for (let g = 0; g <= groupCount; g++) groups.push(m.group(g) ?? undefined);
        const start = m.start();
        const end = m.end();
        onMatch({ index: start, groups });
        from = end > start ? end : end + 1;
      }
    },
    test: (text) => re.matcher(text).find(),
  };
}
