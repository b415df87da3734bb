/**
 * A dense Aho–Corasick automaton over all rules' keywords, ASCII case-insensitive, with no lower-cased
 * copy of the text. The alphabet is reduced to the characters keywords use (every other character is
 * one class), so the transition table stays small and one table lookup per character is the whole
 * inner loop. modern-ahocorasick was measured first: it matches grapheme clusters and needs a
 * lower-cased copy, and ran at ~25 MB/s where this runs at several hundred.
 */
export class KeywordAutomaton {
  readonly keywords: readonly string[];
  readonly #asciiClass: Uint16Array;
  readonly #otherClass: Map<number, number>;
  /**
   * Transitions, pre-multiplied by the class count: delta[row + class] is the next state's row
   * offset, bitwise-negated (< 0) when that state ends a keyword, so the hot loop needs one lookup.
   */
  readonly #delta: Int32Array;
  /** Keyword indices ending in the state whose row starts at the key. */
  readonly #outputs: Map<number, readonly number[]>;

  constructor(keywords: readonly string[]) {
    this.keywords = keywords.map((k) => k.toLowerCase());
    this.#asciiClass = new Uint16Array(128);
    this.#otherClass = new Map();
    let classes = 1;
    const classOf = (code: number): number => {
      if (code < 128) {
        if (this.#asciiClass[code] === 0) {
          const id = classes++;
          this.#asciiClass[code] = id;
          // Keywords are lower-cased; an upper-case letter in the text takes the same class.
          if (code >= 97 && code <= 122) this.#asciiClass[code - 32] = id;
        }
        return this.#asciiClass[code];
      }
      let id = this.#otherClass.get(code);
      if (id === undefined) {
        id = classes++;
        this.#otherClass.set(code, id);
        const upper = String.fromCharCode(code).toUpperCase();
        if (upper.length === 1 && upper.charCodeAt(0) !== code) this.#otherClass.set(upper.charCodeAt(0), id);
      }
      return id;
    };

    // Trie of the keywords over character classes.
    const children: Map<number, number>[] = [new Map()];
    const ends: number[][] = [[]];
    this.keywords.forEach((keyword, index) => {
      if (keyword.length === 0) return;
      let state = 0;
      for (let i = 0; i < keyword.length; i++) {
        const cls = classOf(keyword.charCodeAt(i));
        let next = children[state].get(cls);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          ends.push([]);
          children[state].set(cls, next);
        }
        state = next;
      }
      ends[state].push(index);
    });

    const k = classes;
    const stateCount = children.length;
    const delta = new Int32Array(stateCount * k);
    const fail = new Int32Array(stateCount);
    const outputs: number[][] = ends.map((e) => [...e]);
    // Breadth-first: a state's failure target is always complete before the state itself.
    const queue: number[] = [];
    for (const [cls, child] of children[0]) {
      delta[cls] = child * k;
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      const failRow = fail[state] * k;
      outputs[state].push(...outputs[fail[state]]);
      for (let cls = 0; cls < k; cls++) {
        const child = children[state].get(cls);
        if (child === undefined) {
          delta[state * k + cls] = delta[failRow + cls];
        } else {
          fail[child] = delta[failRow + cls] / k;
          delta[state * k + cls] = child * k;
          queue.push(child);
        }
      }
    }
    this.#outputs = new Map();
    outputs.forEach((out, state) => {
      if (out.length > 0) this.#outputs.set(state * k, out);
    });
    for (let i = 0; i < delta.length; i++) if (this.#outputs.has(delta[i])) delta[i] = ~delta[i];
    this.#delta = delta;
  }

  /**
   * Calls `onHit(keywordIndex, end)` for every keyword occurrence in `text[from, to)` (`end` is the
   * exclusive end offset of the occurrence). Returns the automaton state, to pass as `state` when
   * the next call continues where this one stopped.
   */
  scan(text: string, from: number, to: number, onHit: (keyword: number, end: number) => void, state = 0): number {
    const delta = this.#delta;
    const ascii = this.#asciiClass;
    const other = this.#otherClass;
    let row = state;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      row = delta[row + (c < 128 ? ascii[c] : (other.get(c) ?? 0))];
      if (row < 0) {
        row = ~row;
        for (const keyword of this.#outputs.get(row) as readonly number[]) onHit(keyword, i + 1);
      }
    }
    return row;
  }
}
