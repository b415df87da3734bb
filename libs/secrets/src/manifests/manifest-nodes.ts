import { type Document, isAlias, isMap, isNode, isScalar, isSeq, type LineCounter, type Node, Scalar, type YAMLMap } from 'yaml';
import type { ComplexityBudget } from './manifest-limits.js';
import { type MaskedText, overlapsTemplate } from './template-mask.js';

/** One key of a mapping (merge keys already applied) and its value, aliases resolved. */
export interface Entry {
  readonly key: string;
  readonly value: Node | undefined;
}

/** Lines `from`–`to` of the file, 1-based and inclusive. */
export interface LineSpan {
  readonly from: number;
  readonly to: number;
}

/** `<<: *defaults` may itself merge; real manifests never chain more than a couple. */
const MAX_MERGE_DEPTH = 8;

/**
 * Read access to one parsed document: aliases followed within the budget, merge keys applied,
 * scalars as strings, nodes placed on 1-based lines of the file.
 */
export class ManifestNodes {
  private anchors: Map<string, { readonly offset: number; readonly node: Node }[]> | undefined;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly templateSpans: MaskedText['spans'],
    private readonly budget: ComplexityBudget,
    /** Scalars that do not end before this offset reach a syntax error and are not read (see `ManifestDocument`). */
    private readonly trustedEnd = Infinity,
  ) {}

  get root(): Node | undefined {
    return this.resolve(this.doc.contents);
  }

  /** The node itself, or the node an alias points to. Counts one visit. */
  resolve(node: unknown): Node | undefined {
    if (!isNode(node)) return undefined;
    this.budget.visit();
    if (!isAlias(node)) return node;
    this.budget.alias();
    const offset = node.range?.[0] ?? Number.MAX_SAFE_INTEGER;
    const candidates = this.anchorIndex().get(node.source) ?? [];
    // An alias refers to the closest *preceding* definition of its anchor (anchors may be redefined).
    let target: Node | undefined;
    for (const candidate of candidates) if (candidate.offset < offset) target = candidate.node;
    return target;
  }

  map(node: unknown): YAMLMap | undefined {
    const resolved = this.resolve(node);
    return isMap(resolved) ? resolved : undefined;
  }

  /** Items of a sequence (aliases resolved); empty when the node is not a sequence. */
  items(node: unknown): Node[] {
    const resolved = this.resolve(node);
    if (!isSeq(resolved)) return [];
    const items: Node[] = [];
    for (const item of resolved.items) {
      const value = this.resolve(item);
      if (value) items.push(value);
    }
    return items;
  }

  /** Every key of a mapping in order, duplicates included, then keys merged in with `<<` that are not set. */
  entries(node: unknown, mergeDepth = 0): Entry[] {
    const map = this.map(node);
    if (!map) return [];
    const own: Entry[] = [];
    const merged: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = this.resolve(pair.key);
      if (isScalar(keyNode) && isMergeKey(keyNode)) {
        if (mergeDepth < MAX_MERGE_DEPTH) {
          const sources = isSeq(this.resolve(pair.value)) ? this.items(pair.value) : [pair.value];
          for (const source of sources) merged.push(...this.entries(source, mergeDepth + 1));
        }
        continue;
      }
      const key = this.text(keyNode);
      if (key !== undefined) own.push({ key, value: this.resolve(pair.value) });
    }
    const ownKeys = new Set(own.map((entry) => entry.key));
    return [...own, ...merged.filter((entry) => !ownKeys.has(entry.key))];
  }

  /** The value of `key` (the last one, should it repeat; else one merged in with `<<`). */
  get(node: unknown, key: string): Node | undefined {
    const map = this.map(node);
    if (!map) return undefined;
    let found: unknown;
    let merges = false;
    for (const pair of map.items) {
      const keyNode = isAlias(pair.key) ? this.resolve(pair.key) : pair.key;
      if (!isScalar(keyNode)) continue;
      if (isMergeKey(keyNode)) merges = true;
      else if (this.text(keyNode) === key) found = pair.value;
    }
    if (found !== undefined) return this.resolve(found);
    if (!merges) return undefined;
    return this.entries(map).find((entry) => entry.key === key)?.value;
  }

  /**
   * A scalar as the text written in the file (`0777` stays `0777`); `''` for null; undefined for
   * collections and for scalars past the document's first syntax error.
   */
  text(node: unknown): string | undefined {
    const resolved = isAlias(node) ? this.resolve(node) : node;
    if (!isScalar(resolved)) return undefined;
    if ((resolved.range?.[1] ?? Infinity) >= this.trustedEnd) return undefined;
    if (typeof resolved.value === 'string') return resolved.value;
    if (resolved.value === null || resolved.value === undefined) return '';
    return typeof resolved.source === 'string' ? resolved.source : String(resolved.value);
  }

  /** 1-based line where the node's value starts; for `|`/`>` block scalars, the first content line. */
  line(node: Node): number {
    const start = node.range?.[0] ?? 0;
    const { line } = this.lines.linePos(start);
    return isBlockScalar(node) ? line + 1 : line;
  }

  /** First and last line of a node (a whole object, for instance). */
  lineSpan(node: Node): LineSpan {
    const [start, end] = node.range ?? [0, 0];
    return { from: this.lines.linePos(start).line, to: this.lines.linePos(Math.max(start, end - 1)).line };
  }

  /** True for a `|` scalar, whose content lines map one to one onto lines of the file. */
  isLiteralBlock(node: Node): boolean {
    return isScalar(node) && node.type === Scalar.BLOCK_LITERAL;
  }

  /** True when the node was (partly) a Helm/Go template expression in the file. */
  isTemplated(node: Node): boolean {
    const range = node.range;
    return range !== undefined && range !== null && overlapsTemplate(this.templateSpans, range[0], range[1]);
  }

  private anchorIndex(): Map<string, { readonly offset: number; readonly node: Node }[]> {
    if (this.anchors) return this.anchors;
    const anchors = new Map<string, { offset: number; node: Node }[]>();
    const stack: unknown[] = [this.doc.contents];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      if (!isNode(next) || isAlias(next)) continue;
      this.budget.visit();
      if (next.anchor) {
        const list = anchors.get(next.anchor) ?? [];
        list.push({ offset: next.range?.[0] ?? 0, node: next });
        anchors.set(next.anchor, list);
      }
      if (isMap(next)) for (const pair of next.items) stack.push(pair.key, pair.value);
      else if (isSeq(next)) for (const item of next.items) stack.push(item);
    }
    for (const list of anchors.values()) list.sort((a, b) => a.offset - b.offset);
    this.anchors = anchors;
    return anchors;
  }
}

function isMergeKey(key: Scalar): boolean {
  return typeof key.value === 'symbol' || (key.source === '<<' && key.type === Scalar.PLAIN);
}

function isBlockScalar(node: Node): boolean {
  return isScalar(node) && (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED);
}
